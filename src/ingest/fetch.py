"""The only module that talks HTTP.

``Fetcher`` wraps one ``httpx.AsyncClient`` (injectable, so tests can pass their own
transport) and returns a frozen ``FetchedPage`` that carries its provenance (the URL asked
for, the URL answered, the redirect chain, when, with which validators) to the later stages.

What it enforces on every request:

- politeness: robots.txt of every host (fetched through this module, cached per host for the
  fetcher's life, ``Crawl-delay`` honoured), at most ``INGEST_HOST_CONCURRENCY`` requests in
  flight per host and ``INGEST_HOST_MIN_INTERVAL`` seconds between two starts (per source if
  given), ``INGEST_FETCH_CONCURRENCY`` in all, a descriptive User-Agent;
- retries: transient failures (connect errors, timeouts, 429, 5xx) are tried again up to
  ``INGEST_FETCH_ATTEMPTS`` times with exponential backoff and jitter, a ``Retry-After``
  (429, 503) is honoured and also holds back the other requests to that host, and no URL
  waits more than ``INGEST_RETRY_MAX_WAIT`` seconds in all;
- limits: connect/read timeouts and a total deadline per try, a size cap counted on the
  *decoded* body while streaming (gzip/deflate are inflated here, in bounded steps, so a small
  compressed bomb is refused), redirects followed one hop at a time (each hop checked; a hop
  back to a URL already visited is a loop), a content-type check per kind of document;
- safety: private, loopback, link-local and reserved addresses are refused (the host is
  resolved before each hop) unless ``INGEST_ALLOW_PRIVATE_NETWORKS`` is set;
- conditional requests: ``If-None-Match`` / ``If-Modified-Since`` when validators are given;
  a 304 comes back as a ``FetchedPage`` with ``not_modified`` true and no body.

Every failure is raised as a subclass of ``ingest.errors.FetchError`` with the URL.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import random
import re
import socket
import ssl
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from ingest import errors
from ingest.config import Settings

Kind = Literal["html", "feed", "sitemap", "robots"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_XML_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x-gzip",
    "application/gzip",
)
# Feeds and sitemaps are often served with a generic type; refuse only what clearly is not text.
_ACCEPTED = {
    "html": _HTML_TYPES,
    "feed": _XML_TYPES + ("text/plain", "text/html", "application/octet-stream"),
    "sitemap": _XML_TYPES + ("text/plain", "text/html", "application/octet-stream"),
    "robots": ("",),  # anything: a robots.txt served as text/html is still read
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_ROBOTS_BYTES = 512_000  # RFC 9309: at least 500 KiB must be read
MAX_CRAWL_DELAY = 60.0  # a larger robots.txt Crawl-delay is capped at this many seconds

Resolver = Callable[[str], Awaitable[list[str]]]


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A response body with where and when it came from."""

    requested_url: str
    url: str  # final URL after redirects
    status_code: int
    content: bytes
    text: str
    content_type: str
    encoding: str
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0
    headers: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    redirects: tuple[str, ...] = ()  # the URLs visited before ``url``
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        """A 304 to a conditional request: the stored copy is current, there is no body."""
        return self.status_code == 304


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one host's robots.txt says to our User-Agent."""

    allowed: Callable[[str], bool]
    crawl_delay: float | None = None  # seconds, from Crawl-delay or Request-rate
    unreachable: str | None = None  # robots.txt could not be read (5xx...): nothing allowed


ALLOW_ALL = RobotsRules(allowed=lambda _url: True)


def parse_robots(text: str, *, user_agent: str) -> RobotsRules:
    """Pure: robots.txt content -> the rules for ``user_agent`` (urllib.robotparser)."""
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    delay = parser.crawl_delay(user_agent)
    rate = parser.request_rate(user_agent)
    seconds = [float(delay)] if delay is not None else []
    if rate is not None and rate.requests > 0:
        seconds.append(rate.seconds / rate.requests)
    return RobotsRules(
        allowed=lambda url: parser.can_fetch(user_agent, url),
        crawl_delay=min(max(seconds), MAX_CRAWL_DELAY) if seconds else None,
    )


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Pure: a Retry-After header (seconds, or an HTTP date) -> seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def is_public_address(address: str) -> bool:
    """Pure: False for private, loopback, link-local, reserved, shared and unspecified IPs."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


HostGate = Callable[[str, float], Awaitable[None]]


class HostThrottle:
    """Per host: at most ``concurrency`` requests at once, ``min_interval`` seconds between two
    starts (or longer: a per-call interval, a robots.txt Crawl-delay, a Retry-After).

    This keeps the pace within one process. ``shared`` (host, interval) is awaited after the
    local wait: the seam for a pace shared by several workers (a slot kept in the database).
    """

    def __init__(self, min_interval: float, *, concurrency: int = 1,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 shared: HostGate | None = None) -> None:
        self.min_interval = min_interval
        self.concurrency = concurrency
        self.crawl_delay: dict[str, float] = {}
        self._sleep = sleep
        self._shared = shared
        self._locks: dict[str, asyncio.Lock] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._last: dict[str, float] = {}
        self._not_before: dict[str, float] = {}

    def slot(self, host: str) -> asyncio.Semaphore:
        """Hold this while a request to ``host`` is in flight."""
        return self._slots.setdefault(host, asyncio.Semaphore(self.concurrency))

    def defer(self, host: str, seconds: float) -> None:
        """No request to ``host`` starts in the next ``seconds`` (a Retry-After)."""
        until = time.monotonic() + seconds
        self._not_before[host] = max(self._not_before.get(host, 0.0), until)

    async def wait(self, host: str, min_interval: float | None = None) -> None:
        interval = max(self.min_interval if min_interval is None else min_interval,
                       self.crawl_delay.get(host, 0.0))
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            start = max(self._last.get(host, -1e9) + interval, self._not_before.get(host, 0.0))
            delay = start - time.monotonic()
            if delay > 0:
                await self._sleep(delay)
            if self._shared is not None and interval > 0:
                await self._shared(host, interval)
            self._last[host] = time.monotonic()


class Fetcher:
    """Polite, bounded HTTP fetching. Use as ``async with Fetcher(settings) as f``.

    ``client``, ``resolve`` (host -> IP addresses) and ``sleep`` can be injected by tests;
    ``host_gate`` is passed to ``HostThrottle`` as its shared pace.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        client: httpx.AsyncClient | None = None,
        resolve: Resolver | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        host_gate: HostGate | None = None,
        robots: dict[str, RobotsRules] | None = None,
    ) -> None:
        self.settings = settings
        self._own_client = client is None
        self.client = client or build_client(settings)
        self._sleep = sleep
        self.throttle = HostThrottle(settings.host_min_interval,
                                     concurrency=settings.host_concurrency, sleep=sleep,
                                     shared=host_gate)
        self._slots = asyncio.Semaphore(settings.fetch_concurrency)
        self._resolve = resolve or _getaddrinfo
        self._public_hosts: set[str] = set()
        self._robots: dict[str, RobotsRules] = {}
        self._shared_robots = robots
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_client:
            await self.client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        kind: Kind = "html",
        etag: str | None = None,
        last_modified: str | None = None,
        min_interval: float | None = None,
    ) -> FetchedPage:
        """Fetch ``url``; raise a ``FetchError`` subclass on any failure.

        ``etag``/``last_modified``: the stored validators, sent as a conditional request.
        ``min_interval``: seconds between requests to this host, instead of the setting.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        waited = 0.0
        attempts = self.settings.fetch_attempts if kind != "robots" else 1
        attempt = 1
        while True:
            try:
                page = await self._follow(url, kind, headers, min_interval)
                return _with(page, attempts=attempt) if attempt > 1 else page
            except errors.FetchError as exc:
                if not exc.transient or attempt >= attempts:
                    raise
                delay = self._backoff(attempt)
                retry_after = getattr(exc, "retry_after", None)
                if retry_after is not None:
                    delay = max(delay, retry_after)
                if waited + delay > self.settings.retry_max_wait:
                    if retry_after is not None and retry_after >= delay:
                        raise errors.HTTPStatusError(
                            f"{exc} (Retry-After {retry_after:g} s is beyond the "
                            f"{self.settings.retry_max_wait:g} s retry budget)",
                            url=exc.url, status_code=exc.status_code, retry_after=retry_after,
                        ) from exc
                    raise
            waited += delay
            attempt += 1
            if retry_after is not None:
                # the server asked the whole host to wait: the throttle holds back this
                # retry and every other request to that host
                self.throttle.defer(urlsplit(url).hostname or "", delay)
            else:
                await self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: half the step fixed, half random."""
        step = self.settings.retry_backoff * 2 ** (attempt - 1)
        return step / 2 + random.uniform(0, step / 2)  # noqa: S311 - not cryptographic

    async def _follow(self, url: str, kind: Kind, headers: dict[str, str],
                      min_interval: float | None) -> FetchedPage:
        """One try: each hop checked (scheme, address, robots), redirects followed by hand."""
        visited = [url]
        current = url
        spent = 0.0
        for _hop in range(self.settings.max_redirects + 1):
            parts = urlsplit(current)
            host = parts.hostname or ""
            if parts.scheme not in ("http", "https") or not host:
                raise errors.TransportError(f"not an http(s) URL: {current}", url=url)
            await self._check_address(host, url=url)
            if kind != "robots":
                await self._check_robots(current, url=url)
            async with self.throttle.slot(host):
                await self.throttle.wait(host, min_interval)
                async with self._slots:
                    remaining = self.settings.total_timeout - spent
                    started = time.monotonic()
                    try:
                        result = await asyncio.wait_for(
                            self._request(url, current, kind, headers), timeout=remaining
                        )
                    except TimeoutError as exc:  # builtin: raised by wait_for
                        raise errors.TimeoutError(
                            f"no complete response within {self.settings.total_timeout:g} s",
                            url=url, transient=True,
                        ) from exc
                    finally:
                        spent += time.monotonic() - started
            if isinstance(result, FetchedPage):
                return _with(result, redirects=tuple(visited[:-1]), elapsed=spent)
            target = result
            if target in visited:
                chain = " -> ".join([*visited, target])
                raise errors.RedirectLoopError(f"redirect loop: {chain}", url=url)
            visited.append(target)
            current = target
        raise errors.RedirectError(
            f"more than {self.settings.max_redirects} redirects: {' -> '.join(visited)}", url=url
        )

    async def _request(self, url: str, current: str, kind: Kind,
                       headers: dict[str, str]) -> FetchedPage | str:
        """One HTTP exchange: a page, or the absolute URL a redirect points to."""
        try:
            async with self.client.stream("GET", current, headers=headers,
                                          follow_redirects=False) as response:
                return await self._read(url, current, kind, headers, response)
        except httpx.TimeoutException as exc:
            raise errors.TimeoutError(f"timed out: {type(exc).__name__}", url=url,
                                      transient=True) from exc
        except httpx.InvalidURL as exc:
            raise errors.TransportError(f"invalid URL: {exc}", url=url) from exc
        except httpx.UnsupportedProtocol as exc:
            raise errors.TransportError(f"unsupported protocol: {exc}", url=url) from exc
        except httpx.RemoteProtocolError as exc:
            raise errors.TransportError(
                f"incomplete response (body shorter than declared, or broken HTTP): {exc}",
                url=url, transient=True,
            ) from exc
        except httpx.TransportError as exc:
            raise errors.TransportError(
                f"{type(exc).__name__}: {exc or 'connection failed'}", url=url, transient=True
            ) from exc
        except httpx.DecodingError as exc:
            raise errors.TransportError(f"{type(exc).__name__}: {exc}", url=url) from exc

    async def _read(self, url: str, current: str, kind: Kind, headers: dict[str, str],
                    response: httpx.Response) -> FetchedPage | str:
        status = response.status_code
        if status in _REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise errors.HTTPStatusError(f"HTTP {status} without a Location", url=url,
                                             status_code=status)
            return urldefrag(urljoin(current, location.strip()))[0]
        if status == 304:
            if not headers:
                raise errors.HTTPStatusError("HTTP 304 to a request that was not conditional",
                                             url=url, status_code=status)
            return _page(url, current, response, b"", "", "")
        if status >= 400:
            raise errors.HTTPStatusError(
                f"HTTP {status} {response.reason_phrase}", url=url, status_code=status,
                retry_after=retry_after_seconds(response.headers.get("retry-after"))
                if status in (429, 503) else None,
            )
        content_type = response.headers.get("content-type", "")
        mime = content_type.split(";")[0].strip().lower()
        if mime and not mime.startswith(_ACCEPTED[kind]):
            raise errors.ContentTypeError(f"content type {mime!r} is not {kind}", url=url)
        limit = self.settings.max_response_bytes
        if kind == "robots":
            limit = min(limit, MAX_ROBOTS_BYTES)
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise errors.TooLargeError(
                f"declared size {int(declared):,} bytes exceeds the {limit:,} byte limit",
                url=url,
            )
        content = await _read_body(response, limit=limit, url=url)
        if not mime and kind == "html" and b"<html" not in content[:4096].lower():
            raise errors.ContentTypeError("no content type and no HTML markup", url=url)
        encoding = _charset(content_type, content)
        return _page(url, current, response, content, _decode(content, encoding), encoding)

    async def _check_address(self, host: str, *, url: str) -> None:
        """Refuse hosts that are (or resolve to) non-public addresses, unless allowed."""
        if self.settings.allow_private_networks or host in self._public_hosts:
            return
        try:
            addresses = [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            try:
                addresses = await self._resolve(host)
            except (OSError, UnicodeError) as exc:
                raise errors.TransportError(f"cannot resolve {host}: {exc}", url=url,
                                            transient=True) from exc
        refused = [address for address in addresses if not is_public_address(address)]
        if refused or not addresses:
            raise errors.AddressError(
                f"{host} is a private, loopback, link-local or reserved address "
                f"({', '.join(refused) or 'no address'}); set INGEST_ALLOW_PRIVATE_NETWORKS "
                "to allow it",
                url=url,
            )
        self._public_hosts.add(host)

    async def _check_robots(self, current: str, *, url: str) -> None:
        rules = await self.robots(current)
        if rules.unreachable:
            raise errors.RobotsError(
                f"robots.txt could not be read ({rules.unreachable}): the host is not "
                "fetched this time", url=url,
            )
        if not rules.allowed(current):
            raise errors.RobotsError(f"robots.txt disallows {current}", url=url)

    async def robots(self, url: str) -> RobotsRules:
        """The robots.txt rules of ``url``'s host, fetched once per fetcher, or once for all
        the fetchers given one ``robots`` dict (one run's discovery and batches) while it
        was readable (RFC 9309: a 4xx allows everything; a 5xx or no answer allows nothing,
        for now, and the next fetcher asks again)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_locks.setdefault(origin, asyncio.Lock()):
            if origin in self._robots:
                return self._robots[origin]
            shared = self._shared_robots
            if shared is not None and origin in shared:
                rules = self._robots[origin] = shared[origin]
                if rules.crawl_delay:
                    self.throttle.crawl_delay[parts.hostname or ""] = rules.crawl_delay
                return rules
            try:
                page = await self.fetch(f"{origin}/robots.txt", kind="robots")
                rules = parse_robots(page.text, user_agent=self.settings.user_agent)
            except errors.AddressError:
                raise
            except errors.HTTPStatusError as exc:
                rules = ALLOW_ALL if 400 <= exc.status_code < 500 else RobotsRules(
                    allowed=lambda _url: False, unreachable=f"HTTP {exc.status_code}")
            except errors.RedirectError:
                rules = ALLOW_ALL  # RFC 9309: too many redirects counts as unavailable
            except errors.FetchError as exc:
                rules = RobotsRules(allowed=lambda _url: False, unreachable=str(exc))
            self._robots[origin] = rules
            if shared is not None and not rules.unreachable:
                shared[origin] = rules
            if rules.crawl_delay:
                self.throttle.crawl_delay[parts.hostname or ""] = rules.crawl_delay
            return rules


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings (certifi's CAs, or SSL_CERT_FILE / SSL_CERT_DIR), built
    once per process: loading the CA bundle costs tens of milliseconds of CPU, and a client
    is made per batch and per feed."""
    return httpx.create_ssl_context()


def build_client(settings: Settings) -> httpx.AsyncClient:
    """The one place where the HTTP client's limits are set."""
    return httpx.AsyncClient(
        verify=_tls_context(),
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(
            settings.read_timeout, connect=settings.connect_timeout, pool=settings.total_timeout
        ),
        follow_redirects=False,  # hops are followed (and checked) by Fetcher
        limits=httpx.Limits(max_connections=settings.fetch_concurrency * 2),
    )


async def _getaddrinfo(host: str) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _page(url: str, current: str, response: httpx.Response, content: bytes, text: str,
          encoding: str) -> FetchedPage:
    content_type = response.headers.get("content-type", "")
    return FetchedPage(
        requested_url=url,
        url=current,
        status_code=response.status_code,
        content=content,
        text=text,
        content_type=content_type.split(";")[0].strip().lower(),
        encoding=encoding,
        fetched_at=datetime.now(UTC),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        headers=dict(response.headers),
    )


def _with(page: FetchedPage, **changes) -> FetchedPage:
    from dataclasses import replace

    return replace(page, **changes)


async def _read_body(response: httpx.Response, *, limit: int, url: str) -> bytes:
    """The decoded body, refused as soon as it passes ``limit`` bytes.

    The raw stream is inflated here in bounded steps (never more than ``limit + 1`` bytes out
    of one chunk), so a few kilobytes of gzip that would expand to gigabytes are refused
    without being expanded.
    """
    inflater = _Inflater(response.headers.get("content-encoding", ""), url=url)
    chunks: list[bytes] = []
    size = 0
    too_large = errors.TooLargeError(f"body exceeds the {limit:,} byte limit (decoded)",
                                     url=url)
    async for raw in response.aiter_raw():
        for piece in inflater.feed(raw, room=limit - size + 1):
            size += len(piece)
            if size > limit:
                raise too_large
            chunks.append(piece)
    tail = inflater.flush()
    if size + len(tail) > limit:
        raise too_large
    chunks.append(tail)
    return b"".join(chunks)


class _Inflater:
    """gzip / deflate / identity decoding with a bound on the output of each step."""

    def __init__(self, encoding: str, *, url: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        self.url = url
        self._raw_deflate = False
        if not codings:
            self._z = None
        elif codings == ["gzip"] or codings == ["x-gzip"]:
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif codings == ["deflate"]:
            self._z = zlib.decompressobj()
            self._raw_deflate = True  # may still turn out to be raw deflate (no zlib header)
        else:
            raise errors.TransportError(f"unsupported Content-Encoding {encoding!r}", url=url)

    def feed(self, data: bytes, *, room: int):
        if self._z is None:
            yield data
            return
        while data:
            try:
                out = self._z.decompress(data, max(room, 1))
            except zlib.error as exc:
                if self._raw_deflate:  # the first bytes were not a zlib header: raw deflate
                    self._raw_deflate = False
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise errors.TransportError(f"undecodable compressed body: {exc}",
                                            url=self.url) from exc
            self._raw_deflate = False
            yield out
            room -= len(out)
            if room <= 0:
                return  # over the limit: the caller refuses the body
            data = self._z.unconsumed_tail

    def flush(self) -> bytes:
        """What is left once the input is consumed below the bound: little or nothing."""
        if self._z is None:
            return b""
        try:
            return self._z.flush()
        except zlib.error as exc:
            raise errors.TransportError(f"undecodable compressed body: {exc}",
                                        url=self.url) from exc


def _charset(content_type: str, content: bytes) -> str:
    """The page's encoding: HTTP header, then <meta charset>, then a guess. A declared
    charset that is unknown, or cannot decode the bytes (a page sent as UTF-8 that is not),
    is passed over."""
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    if match and _fits(match.group(1), content):
        return match.group(1).lower()
    match = _META_CHARSET.search(content[:4096])
    if match and _fits(match.group(1).decode("ascii", "ignore"), content):
        return match.group(1).decode("ascii").lower()
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # a trafilatura dependency

    best = from_bytes(content[:65536]).best()
    return best.encoding if best else "utf-8"


def _fits(name: str, content: bytes) -> bool:
    try:
        content.decode(name)
    except LookupError:  # unknown charset name
        return False
    except UnicodeDecodeError as exc:
        return exc.start >= len(content) - 4  # only a multi-byte character cut at the end
    return True


def _decode(content: bytes, encoding: str) -> str:
    return content.decode(encoding, errors="replace")
