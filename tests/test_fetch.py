import httpx
import pytest
from pytest_httpx import IteratorStream

from ingest import errors
from ingest.fetch import Fetcher

pytestmark = pytest.mark.anyio

PAGE = "<html><head><title>T</title></head><body><p>Hello</p></body></html>"


async def fetch(settings, url, **kw):
    async with Fetcher(settings) as fetcher:
        return await fetcher.fetch(url, **kw)


async def test_fetches_html_with_provenance(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a", status_code=301,
                            headers={"Location": "https://news.example/b"})
    httpx_mock.add_response(url="https://news.example/b", text=PAGE,
                            headers={"Content-Type": "text/html; charset=utf-8",
                                     "ETag": '"v1"', "Last-Modified": "Mon, 02 Jan 2023"})
    page = await fetch(settings, "https://news.example/a")
    assert page.requested_url == "https://news.example/a"
    assert page.url == "https://news.example/b"
    assert page.text == PAGE
    assert page.etag == '"v1"' and page.last_modified == "Mon, 02 Jan 2023"
    request = httpx_mock.get_requests()[0]
    assert request.headers["User-Agent"] == settings.user_agent


@pytest.mark.parametrize("status", [404, 410, 500, 503])
async def test_http_errors(settings, httpx_mock, status):
    httpx_mock.add_response(url="https://news.example/a", status_code=status)
    with pytest.raises(errors.HTTPStatusError) as info:
        await fetch(settings, "https://news.example/a")
    assert info.value.status_code == status
    assert info.value.url == "https://news.example/a"
    assert info.value.reason == "http_status"


async def test_timeout(settings, httpx_mock):
    httpx_mock.add_exception(httpx.ReadTimeout("slow"), url="https://news.example/a")
    with pytest.raises(errors.TimeoutError, match="timed out"):
        await fetch(settings, "https://news.example/a")


async def test_connection_refused(settings, httpx_mock):
    httpx_mock.add_exception(httpx.ConnectError("refused"), url="https://news.example/a")
    with pytest.raises(errors.TransportError, match="ConnectError"):
        await fetch(settings, "https://news.example/a")


async def test_redirect_loop(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a", status_code=302,
                            headers={"Location": "https://news.example/a"},
                            is_reusable=True)
    with pytest.raises(errors.TransportError, match="redirects"):
        await fetch(settings, "https://news.example/a")


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


async def test_charset_from_meta_and_header(settings, httpx_mock):
    text = "<html><head><meta charset='windows-1251'></head><body>Макеевка</body></html>"
    httpx_mock.add_response(url="https://news.example/ru", content=text.encode("cp1251"),
                            headers={"Content-Type": "text/html"})
    page = await fetch(settings, "https://news.example/ru")
    assert "Макеевка" in page.text
    assert page.encoding == "windows-1251"


async def test_missing_content_type_sniffs_html(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/a", content=PAGE.encode())
    page = await fetch(settings, "https://news.example/a")
    assert page.content_type == ""
    httpx_mock.add_response(url="https://news.example/b", content=b"\x89PNG....")
    with pytest.raises(errors.ContentTypeError):
        await fetch(settings, "https://news.example/b")
