import gzip
import zlib
from datetime import UTC, datetime

import httpx
import pytest
from pytest_httpx import IteratorStream

from ingest import errors
from ingest.fetch import Fetcher, is_public_address, parse_robots, retry_after_seconds
from tests.http_mocks import allow_robots

pytestmark = pytest.mark.anyio

PAGE = "<html><head><title>T</title></head><body><p>Hello</p></body></html>"
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def httpx_mock(httpx_mock):
    """pytest-httpx's mock, answering robots.txt with 404 (everything allowed)."""
    allow_robots(httpx_mock)
    return httpx_mock


class Sleeps(list):
    """Records the waits a fetcher asks for, without waiting."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


async def fetch(settings, url, *, sleeps=None, resolve=None, **kw):
    async with Fetcher(settings, sleep=sleeps if sleeps is not None else Sleeps(),
                       resolve=resolve) as fetcher:
        return await fetcher.fetch(url, **kw)


def requests_to(httpx_mock, url):
    return [r for r in httpx_mock.get_requests() if str(r.url) == url]


async def test_fetches_html_with_provenance(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a", status_code=301,
                            headers={"Location": "https://news.example/b"})
    httpx_mock.add_response(url="https://news.example/b", text=PAGE,
                            headers={"Content-Type": "text/html; charset=utf-8",
                                     "ETag": '"v1"', "Last-Modified": "Mon, 02 Jan 2023"})
    page = await fetch(settings, "https://news.example/a")
    assert page.requested_url == "https://news.example/a"
    assert page.url == "https://news.example/b"
    assert page.redirects == ("https://news.example/a",)
    assert page.text == PAGE
    assert page.etag == '"v1"' and page.last_modified == "Mon, 02 Jan 2023"
    request = requests_to(httpx_mock, "https://news.example/a")[0]
    assert request.headers["User-Agent"] == settings.user_agent


# -- status codes and retries -----------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
async def test_permanent_http_errors_are_not_retried(settings, httpx_mock, status):
    httpx_mock.add_response(url="https://news.example/a", status_code=status)
    with pytest.raises(errors.HTTPStatusError) as info:
        await fetch(settings, "https://news.example/a")
    assert info.value.status_code == status
    assert info.value.url == "https://news.example/a"
    assert info.value.reason == "http_status"
    assert len(requests_to(httpx_mock, "https://news.example/a")) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_are_retried_with_backoff(settings, httpx_mock, status):
    settings = settings.model_copy(update={"fetch_attempts": 4, "retry_backoff": 1.0})
    httpx_mock.add_response(url="https://news.example/a", status_code=status, is_reusable=True)
    sleeps = Sleeps()
    with pytest.raises(errors.HTTPStatusError) as info:
        await fetch(settings, "https://news.example/a", sleeps=sleeps)
    assert info.value.status_code == status and info.value.transient
    assert len(requests_to(httpx_mock, "https://news.example/a")) == 4
    # exponential with jitter: step 1, 2, 4 s, each between half the step and the step
    assert len(sleeps) == 3
    for seconds, step in zip(sleeps, (1, 2, 4), strict=True):
        assert step / 2 <= seconds <= step


async def test_a_retry_that_succeeds(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a", status_code=502)
    httpx_mock.add_response(url="https://news.example/a", text=PAGE, headers=HTML)
    page = await fetch(settings, "https://news.example/a")
    assert page.text == PAGE and page.attempts == 2


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_is_honoured(settings, httpx_mock, status):
    httpx_mock.add_response(url="https://news.example/a", status_code=status,
                            headers={"Retry-After": "7"})
    httpx_mock.add_response(url="https://news.example/a", text=PAGE, headers=HTML)
    sleeps = Sleeps()
    page = await fetch(settings, "https://news.example/a", sleeps=sleeps)
    assert page.attempts == 2
    # held back by the 7 s Retry-After (not the 1 s backoff), less the time since the answer
    assert len(sleeps) == 1 and 3 < sleeps[0] <= 7


async def test_retry_after_beyond_the_budget_gives_up_at_once(settings, httpx_mock):
    settings = settings.model_copy(update={"retry_max_wait": 30})
    httpx_mock.add_response(url="https://news.example/a", status_code=429,
                            headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    with pytest.raises(errors.HTTPStatusError, match="beyond the 30 s retry budget"):
        await fetch(settings, "https://news.example/a", sleeps=sleeps)
    assert sleeps == []


async def test_total_wait_is_bounded(settings, httpx_mock):
    settings = settings.model_copy(update={"fetch_attempts": 10, "retry_backoff": 1.0,
                                           "retry_max_wait": 5})
    httpx_mock.add_response(url="https://news.example/a", status_code=500, is_reusable=True)
    sleeps = Sleeps()
    with pytest.raises(errors.HTTPStatusError):
        await fetch(settings, "https://news.example/a", sleeps=sleeps)
    assert sum(sleeps) <= 5 and len(sleeps) < 9


def test_retry_after_header_forms():
    now = datetime(2023, 1, 2, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Mon, 02 Jan 2023 12:01:30 GMT", now=now) == 90
    assert retry_after_seconds("Mon, 02 Jan 2023 11:00:00 GMT", now=now) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


async def test_timeout_is_retried_then_raised(settings, httpx_mock):
    httpx_mock.add_exception(httpx.ReadTimeout("slow"), url="https://news.example/a",
                             is_reusable=True)
    with pytest.raises(errors.TimeoutError, match="timed out") as info:
        await fetch(settings, "https://news.example/a")
    assert info.value.reason == "timeout"
    assert len(requests_to(httpx_mock, "https://news.example/a")) == settings.fetch_attempts


async def test_connection_refused(settings, httpx_mock):
    settings = settings.model_copy(update={"fetch_attempts": 1})
    httpx_mock.add_exception(httpx.ConnectError("refused"), url="https://news.example/a")
    with pytest.raises(errors.TransportError, match="ConnectError"):
        await fetch(settings, "https://news.example/a")


# -- redirects --------------------------------------------------------------------------------


async def test_redirect_loop(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a", status_code=302,
                            headers={"Location": "/b"})
    httpx_mock.add_response(url="https://news.example/b", status_code=301,
                            headers={"Location": "https://news.example/a"})
    with pytest.raises(errors.RedirectLoopError, match="a -> https://news.example/b -> ") as info:
        await fetch(settings, "https://news.example/a")
    assert info.value.reason == "redirect_loop"


async def test_too_many_redirects(settings, httpx_mock):
    settings = settings.model_copy(update={"max_redirects": 2})
    for n in range(3):
        httpx_mock.add_response(url=f"https://news.example/{n}", status_code=302,
                                headers={"Location": f"https://news.example/{n + 1}"})
    with pytest.raises(errors.RedirectError, match="more than 2 redirects") as info:
        await fetch(settings, "https://news.example/0")
    assert info.value.reason == "too_many_redirects"


# -- content types, sizes, compression, charsets ----------------------------------------------


@pytest.mark.parametrize("ctype", ["application/pdf", "image/png", "application/json"])
async def test_rejects_non_html(settings, httpx_mock, ctype):
    httpx_mock.add_response(url="https://news.example/a", content=b"%PDF-1.4",
                            headers={"Content-Type": ctype})
    with pytest.raises(errors.ContentTypeError, match=ctype):
        await fetch(settings, "https://news.example/a")


async def test_feed_kind_accepts_xml(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/rss", content=b"<rss/>",
                            headers={"Content-Type": "application/rss+xml"})
    page = await fetch(settings, "https://news.example/rss", kind="feed")
    assert page.content == b"<rss/>"


async def test_declared_size_over_limit(settings, httpx_mock):
    small = settings.model_copy(update={"max_response_bytes": 1000})
    httpx_mock.add_response(url="https://news.example/a", content=b"x" * 5000,
                            headers={"Content-Type": "text/html"})
    with pytest.raises(errors.TooLargeError, match="1,000 byte limit"):
        await fetch(small, "https://news.example/a")


async def test_streamed_size_over_limit(settings, httpx_mock):
    small = settings.model_copy(update={"max_response_bytes": 1000})

    httpx_mock.add_response(url="https://news.example/a",
                            stream=IteratorStream([b"<p>" + b"x" * 300] * 10),
                            headers={"Content-Type": "text/html"})
    with pytest.raises(errors.TooLargeError, match="exceeds"):
        await fetch(small, "https://news.example/a")


async def test_gzip_bomb_is_refused_on_its_decoded_size(settings, httpx_mock):
    small = settings.model_copy(update={"max_response_bytes": 100_000})
    bomb = gzip.compress(b"<html>" + b" " * 50_000_000)  # 50 MB in about 50 KB
    assert len(bomb) < 100_000
    # a stream, so that the mock itself does not inflate it (httpx decodes `content=`)
    httpx_mock.add_response(url="https://news.example/a", stream=IteratorStream([bomb]),
                            headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    with pytest.raises(errors.TooLargeError, match="decoded"):
        await fetch(small, "https://news.example/a")


@pytest.mark.parametrize("encoding, pack", [
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data, wbits=-15)),  # raw deflate, as some servers
])
async def test_compressed_pages_are_decoded(settings, httpx_mock, encoding, pack):
    httpx_mock.add_response(url="https://news.example/a", content=pack(PAGE.encode()),
                            headers={**HTML, "Content-Encoding": encoding})
    page = await fetch(settings, "https://news.example/a")
    assert page.text == PAGE


async def test_corrupt_gzip_is_a_transport_error(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a",
                            stream=IteratorStream([b"\x1f\x8bnot gzip at all"]),
                            headers={**HTML, "Content-Encoding": "gzip"})
    with pytest.raises(errors.TransportError, match="undecodable"):
        await fetch(settings, "https://news.example/a")


async def test_charset_from_meta_and_header(settings, httpx_mock):
    text = "<html><head><meta charset='windows-1251'></head><body>Макеевка</body></html>"
    httpx_mock.add_response(url="https://news.example/ru", content=text.encode("cp1251"),
                            headers={"Content-Type": "text/html"})
    page = await fetch(settings, "https://news.example/ru")
    assert "Макеевка" in page.text
    assert page.encoding == "windows-1251"


async def test_windows_1251_without_any_declaration_is_detected(settings, httpx_mock):
    body = ("В результате удара по пункту временной дислокации в Макеевке погибли "
            "63 российских военнослужащих, сообщило Министерство обороны. ") * 3
    text = f"<html><head><title>Макеевка</title></head><body><p>{body}</p></body></html>"
    httpx_mock.add_response(url="https://news.example/ru", content=text.encode("cp1251"),
                            headers={"Content-Type": "text/html"})
    page = await fetch(settings, "https://news.example/ru")
    assert body in page.text
    assert page.encoding in ("cp1251", "windows-1251")


async def test_unknown_charset_in_header_falls_back(settings, httpx_mock):
    text = "<html><body><p>Kraków – żołnierze</p></body></html>"
    httpx_mock.add_response(url="https://news.example/pl", content=text.encode("utf-8"),
                            headers={"Content-Type": "text/html; charset=no-such-charset"})
    page = await fetch(settings, "https://news.example/pl")
    assert "Kraków – żołnierze" in page.text


async def test_missing_content_type_sniffs_html(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a", content=PAGE.encode())
    page = await fetch(settings, "https://news.example/a")
    assert page.content_type == ""
    httpx_mock.add_response(url="https://news.example/b", content=b"\x89PNG....")
    with pytest.raises(errors.ContentTypeError):
        await fetch(settings, "https://news.example/b")


# -- conditional requests ---------------------------------------------------------------------


async def test_conditional_request_and_304(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a", status_code=304,
                            headers={"ETag": '"v1"'})
    page = await fetch(settings, "https://news.example/a", etag='"v1"',
                       last_modified="Mon, 02 Jan 2023 10:00:00 GMT")
    assert page.not_modified and page.content == b"" and page.etag == '"v1"'
    (request,) = requests_to(httpx_mock, "https://news.example/a")
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == "Mon, 02 Jan 2023 10:00:00 GMT"


async def test_304_without_validators_is_an_error(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a", status_code=304)
    with pytest.raises(errors.HTTPStatusError, match="not conditional"):
        await fetch(settings, "https://news.example/a")


# -- politeness -------------------------------------------------------------------------------


def test_parse_robots():
    rules = parse_robots("User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n\n"
                         "User-agent: other-bot\nDisallow: /\n",
                         user_agent="ingest-figure-check/0.1 (x)")
    assert rules.allowed("https://news.example/story")
    assert not rules.allowed("https://news.example/private/a")
    assert rules.crawl_delay == 3
    mine = parse_robots("User-agent: ingest-figure-check\nDisallow: /\n",
                        user_agent="ingest-figure-check/0.1 (x)")
    assert not mine.allowed("https://news.example/story")
    huge = parse_robots("User-agent: *\nCrawl-delay: 86400\n", user_agent="x")
    assert huge.crawl_delay == 60  # capped


async def test_robots_disallow_is_honoured_and_fetched_once(settings, httpx_mock):
    httpx_mock.reset()  # no default robots answer in this test
    httpx_mock.add_response(url="https://news.example/robots.txt",
                            text="User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n")
    httpx_mock.add_response(url="https://news.example/a", text=PAGE, headers=HTML)
    sleeps = Sleeps()
    async with Fetcher(settings, sleep=sleeps) as fetcher:
        await fetcher.fetch("https://news.example/a")
        with pytest.raises(errors.RobotsError, match="disallows") as info:
            await fetcher.fetch("https://news.example/private/b")
        assert fetcher.throttle.crawl_delay["news.example"] == 2
    assert info.value.reason == "robots"
    assert len(requests_to(httpx_mock, "https://news.example/robots.txt")) == 1
    assert requests_to(httpx_mock, "https://news.example/private/b") == []
    # the Crawl-delay spaced the article request from the robots.txt request (by up to 2 s,
    # less the time that request took: no wall-clock bound, which a loaded machine breaks)
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 2


async def test_unreadable_robots_means_nothing_is_fetched(settings, httpx_mock):
    httpx_mock.reset()
    httpx_mock.add_response(url="https://news.example/robots.txt", status_code=503)
    with pytest.raises(errors.RobotsError, match=r"could not be read \(HTTP 503\)"):
        await fetch(settings, "https://news.example/a")


async def test_host_interval_per_call_and_per_host(settings, httpx_mock):
    settings = settings.model_copy(update={"host_min_interval": 5.0})
    for path in ("a", "b", "c"):
        httpx_mock.add_response(url=f"https://news.example/{path}", text=PAGE, headers=HTML)
    httpx_mock.add_response(url="https://other.example/a", text=PAGE, headers=HTML)
    sleeps = Sleeps()
    async with Fetcher(settings, sleep=sleeps) as fetcher:
        await fetcher.fetch("https://news.example/a")  # after its robots.txt: waits ~5 s
        await fetcher.fetch("https://news.example/b")  # ~5 s
        await fetcher.fetch("https://news.example/c", min_interval=12)  # the source's 12 s
        await fetcher.fetch("https://other.example/a")  # another host: after its robots.txt
    assert [round(s) for s in sleeps] == [5, 5, 12, 5]


async def test_a_shared_host_gate_is_awaited_per_request(settings, httpx_mock):
    settings = settings.model_copy(update={"host_min_interval": 2.0})
    httpx_mock.add_response(url="https://news.example/a", text=PAGE, headers=HTML)
    gated = []

    async def gate(host, interval):
        gated.append((host, interval))

    async with Fetcher(settings, sleep=Sleeps(), host_gate=gate) as fetcher:
        await fetcher.fetch("https://news.example/a")
    assert gated == [("news.example", 2.0), ("news.example", 2.0)]  # robots.txt, the page


# -- safety -----------------------------------------------------------------------------------


def resolver(table):
    async def resolve(host):
        if host not in table:
            raise OSError(f"unknown host {host}")
        return table[host]
    return resolve


@pytest.mark.parametrize("address, public", [
    ("93.184.216.34", True), ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False),
    ("fe80::1%eth0", False), ("fd00::1", False), ("::ffff:127.0.0.1", False),
    ("2606:4700::1111", True), ("224.0.0.1", False),
])
def test_public_addresses(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize("target, table", [
    ("http://127.0.0.1:8080/admin", {}),
    ("http://localhost/", {"localhost": ["127.0.0.1", "::1"]}),
    ("http://intranet.example/", {"intranet.example": ["10.0.0.5"]}),
    ("http://[fe80::1]/", {}),
    ("http://metadata.example/", {"metadata.example": ["93.184.216.34", "169.254.169.254"]}),
])
async def test_redirect_to_a_private_address_is_refused(settings, httpx_mock, target, table):
    settings = settings.model_copy(update={"allow_private_networks": False})
    httpx_mock.add_response(url="https://news.example/a", status_code=302,
                            headers={"Location": target})
    resolve = resolver({"news.example": ["93.184.216.34"], **table})
    with pytest.raises(errors.AddressError, match="private, loopback") as info:
        await fetch(settings, "https://news.example/a", resolve=resolve)
    assert info.value.reason == "private_address"
    # nothing was sent to the private address (not even its robots.txt)
    assert {r.url.host for r in httpx_mock.get_requests()} == {"news.example"}


async def test_private_origin_is_refused_before_any_request(settings, httpx_mock):
    settings = settings.model_copy(update={"allow_private_networks": False})
    with pytest.raises(errors.AddressError):
        await fetch(settings, "http://169.254.169.254/latest/meta-data/", resolve=resolver({}))
    assert httpx_mock.get_requests() == []


async def test_public_hosts_pass_and_private_ones_pass_when_allowed(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a", text=PAGE, headers=HTML)
    public = settings.model_copy(update={"allow_private_networks": False})
    page = await fetch(public, "https://news.example/a",
                       resolve=resolver({"news.example": ["93.184.216.34"]}))
    assert page.text == PAGE
    httpx_mock.add_response(url="http://10.0.0.5/a", text=PAGE, headers=HTML)
    assert settings.allow_private_networks
    page = await fetch(settings, "http://10.0.0.5/a", resolve=resolver({}))
    assert page.text == PAGE


async def test_unresolvable_host(settings, httpx_mock):
    settings = settings.model_copy(update={"allow_private_networks": False,
                                           "fetch_attempts": 1})
    with pytest.raises(errors.TransportError, match="cannot resolve"):
        await fetch(settings, "https://nowhere.example/a", resolve=resolver({}))


async def test_fetchers_sharing_robots_ask_once_while_it_is_readable(settings, httpx_mock):
    httpx_mock.reset()
    httpx_mock.add_response(url="https://news.example/robots.txt", is_reusable=True,
                            text="User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n")
    httpx_mock.add_response(url="https://down.example/robots.txt", status_code=503,
                            is_reusable=True)
    httpx_mock.add_response(url="https://news.example/a", text=PAGE, headers=HTML,
                            is_reusable=True)
    shared = {}  # one run's: its discovery's fetcher, then each batch's
    for _batch in range(3):
        async with Fetcher(settings, sleep=Sleeps(), robots=shared) as fetcher:
            await fetcher.fetch("https://news.example/a")
            assert fetcher.throttle.crawl_delay["news.example"] == 2  # from the shared rules
            with pytest.raises(errors.RobotsError, match="disallows"):
                await fetcher.fetch("https://news.example/private/b")
            with pytest.raises(errors.RobotsError, match="could not be read"):
                await fetcher.fetch("https://down.example/a")
    assert len(requests_to(httpx_mock, "https://news.example/robots.txt")) == 1
    # an unreadable robots.txt is not kept: each fetcher asks again
    assert len(requests_to(httpx_mock, "https://down.example/robots.txt")) == 3
    assert list(shared) == ["https://news.example"]
