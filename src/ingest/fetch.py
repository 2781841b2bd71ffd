"""The only module that talks HTTP.

``Fetcher`` wraps one ``httpx.AsyncClient`` (injectable, so tests can pass their own
transport) and returns a frozen ``FetchedPage`` that carries its provenance (the URL asked
for, the URL answered, when, with which validators) to the later stages.

What it enforces on every request: connect/read timeouts and a total deadline, a redirect
limit, a User-Agent, a response-size cap checked while streaming, a content-type check per
kind of document, and a minimum interval between two requests to the same host. Every
failure is raised as a subclass of ``ingest.errors.FetchError`` with the URL.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

import httpx

from ingest import errors
from ingest.config import Settings

Kind = Literal["html", "feed", "sitemap"]

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
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


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


class HostThrottle:
    """Keeps ``min_interval`` seconds between two requests to one host (within one process)."""

    def __init__(self, min_interval: float) -> None:
        self.min_interval = min_interval
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}

    async def wait(self, host: str) -> None:
        if self.min_interval <= 0:
            return
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            delay = self._last.get(host, 0.0) + self.min_interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._last[host] = time.monotonic()


class Fetcher:
    """Polite, bounded HTTP fetching. Use as ``async with Fetcher(settings) as f``."""

    def __init__(self, settings: Settings, *, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self._own_client = client is None
        self.client = client or build_client(settings)
        self.throttle = HostThrottle(settings.host_min_interval)
        self._slots = asyncio.Semaphore(settings.fetch_concurrency)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_client:
            await self.client.aclose()

    async def fetch(self, url: str, *, kind: Kind = "html") -> FetchedPage:
        """Fetch ``url``; raise a ``FetchError`` subclass on any failure."""
        host = urlsplit(url).hostname or ""
        async with self._slots:
            await self.throttle.wait(host)
            started = time.monotonic()
            try:
                return await asyncio.wait_for(
                    self._fetch(url, kind, started), timeout=self.settings.total_timeout
                )
            except TimeoutError as exc:  # builtin: raised by wait_for
                raise errors.TimeoutError(
                    f"no complete response within {self.settings.total_timeout:g} s", url=url
                ) from exc
            except httpx.TimeoutException as exc:
                raise errors.TimeoutError(f"timed out: {type(exc).__name__}", url=url) from exc
            except httpx.TooManyRedirects as exc:
                raise errors.TransportError(
                    f"more than {self.settings.max_redirects} redirects", url=url
                ) from exc
            except httpx.InvalidURL as exc:
                raise errors.TransportError(f"invalid URL: {exc}", url=url) from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise errors.TransportError(
                    f"{type(exc).__name__}: {exc or 'connection failed'}", url=url
                ) from exc

    async def _fetch(self, url: str, kind: Kind, started: float) -> FetchedPage:
        limit = self.settings.max_response_bytes
        async with self.client.stream("GET", url) as response:
            final_url = str(response.url)
            if response.status_code >= 400:
                raise errors.HTTPStatusError(
                    f"HTTP {response.status_code} {response.reason_phrase}",
                    url=url,
                    status_code=response.status_code,
                )
            content_type = response.headers.get("content-type", "")
            mime = content_type.split(";")[0].strip().lower()
            if mime and not mime.startswith(_ACCEPTED[kind]):
                raise errors.ContentTypeError(
                    f"content type {mime!r} is not {kind}", url=url
                )
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise errors.TooLargeError(
                    f"declared size {int(declared):,} bytes exceeds the {limit:,} byte limit",
                    url=url,
                )
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise errors.TooLargeError(
                        f"body exceeds the {limit:,} byte limit", url=url
                    )
                chunks.append(chunk)
            content = b"".join(chunks)
            if not mime and kind == "html" and b"<html" not in content[:4096].lower():
                raise errors.ContentTypeError("no content type and no HTML markup", url=url)
            encoding = _charset(content_type, content)
            text = _decode(content, encoding)
            return FetchedPage(
                requested_url=url,
                url=final_url,
                status_code=response.status_code,
                content=content,
                text=text,
                content_type=mime,
                encoding=encoding,
                fetched_at=datetime.now(UTC),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                elapsed=time.monotonic() - started,
                headers=dict(response.headers),
            )


def build_client(settings: Settings) -> httpx.AsyncClient:
    """The one place where the HTTP client's limits are set."""
    return httpx.AsyncClient(
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(
            settings.read_timeout, connect=settings.connect_timeout, pool=settings.total_timeout
        ),
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        limits=httpx.Limits(max_connections=settings.fetch_concurrency * 2),
    )


def _charset(content_type: str, content: bytes) -> str:
    """The page's encoding: HTTP header, then <meta charset>, then a guess."""
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    if match and _known(match.group(1)):
        return match.group(1).lower()
    match = _META_CHARSET.search(content[:4096])
    if match and _known(match.group(1).decode("ascii", "ignore")):
        return match.group(1).decode("ascii").lower()
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # a trafilatura dependency

    best = from_bytes(content[:65536]).best()
    return best.encoding if best else "utf-8"


def _known(name: str) -> bool:
    import codecs

    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _decode(content: bytes, encoding: str) -> str:
    return content.decode(encoding, errors="replace")
