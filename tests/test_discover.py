import gzip

import pytest

from ingest import errors
from ingest.config import Source
from ingest.discover import discover_source, parse_feed, parse_sitemap
from ingest.fetch import Fetcher
from tests.http_mocks import allow_robots

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>https://news.example/one</link>
<pubDate>Mon, 02 Jan 2023 10:00:00 GMT</pubDate></item>
<item><title>Two</title><link>/two#comments</link></item>
<item><title>One again</title><link>https://news.example/one</link></item>
<item><title>No link</title></item>
<item><title>Mail</title><link>mailto:desk@news.example</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>A</title><link rel="alternate" href="https://news.example/a"/>
<updated>2023-01-08T09:00:00Z</updated><published>2023-01-08T08:00:00Z</published></entry>
</feed>"""

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/s1</loc><lastmod>2023-01-02</lastmod>
<news:news><news:publication_date>2023-01-01T23:00:00+00:00</news:publication_date>
<news:title>S1</news:title></news:news></url>
<url><loc>https://news.example/s2</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/sitemap-1.xml.gz</loc></sitemap></sitemapindex>"""


@pytest.fixture
def httpx_mock(httpx_mock):
    """pytest-httpx's mock, answering robots.txt with 404 (everything allowed)."""
    allow_robots(httpx_mock)
    return httpx_mock


def test_rss_links_resolved_and_deduplicated():
    items = parse_feed(RSS, base_url="https://news.example/rss.xml", source="x")
    assert [i.url for i in items] == ["https://news.example/one", "https://news.example/two"]
    assert items[0].title == "One"
    assert items[0].published.isoformat() == "2023-01-02T10:00:00+00:00"
    assert items[0].source == "x" and items[0].listed_in == "https://news.example/rss.xml"


def test_truncated_feed_keeps_the_items_before_the_break():
    cut = RSS[: RSS.index(b"<item><title>Two")] + b"<item><title>Tw"
    items = parse_feed(cut, base_url="https://news.example/rss.xml")
    assert [i.url for i in items] == ["https://news.example/one"]


def test_fragment_only_link_is_not_an_article():
    feed = b'<rss version="2.0"><channel><item><link>#top</link></item></channel></rss>'
    assert parse_feed(feed, base_url="https://news.example/rss.xml") == []


def test_atom():
    (item,) = parse_feed(ATOM, base_url="https://news.example/atom")
    assert item.url == "https://news.example/a"
    assert item.updated.isoformat() == "2023-01-08T09:00:00+00:00"


def test_empty_feed_is_not_an_error():
    assert parse_feed(b'<rss version="2.0"><channel><title>x</title></channel></rss>',
                      base_url="https://n.example/f") == []


@pytest.mark.parametrize("content", [b"<html><body>not a feed</body></html>",
                                     b"<rss><channel><item><link>",
                                     b"", b"\x00\x01garbage"])
def test_malformed_feed(content):
    with pytest.raises(errors.DiscoveryError):
        parse_feed(content, base_url="https://n.example/f")


def test_sitemap_with_news_dates():
    items, children = parse_sitemap(SITEMAP, base_url="https://news.example/sitemap.xml")
    assert children == []
    assert [i.url for i in items] == ["https://news.example/s1", "https://news.example/s2"]
    assert items[0].published.isoformat() == "2023-01-01T23:00:00+00:00"
    assert items[0].title == "S1"


def test_sitemap_index_and_gzip():
    items, children = parse_sitemap(INDEX, base_url="https://news.example/sitemap.xml")
    assert items == [] and children == ["https://news.example/sitemap-1.xml.gz"]
    items, _ = parse_sitemap(gzip.compress(SITEMAP), base_url="https://news.example/s.xml.gz")
    assert len(items) == 2


@pytest.mark.parametrize("content", [b"<html/>", b"<urlset><url>", b"\x1f\x8bbroken"])
def test_malformed_sitemap(content):
    with pytest.raises(errors.DiscoveryError):
        parse_sitemap(content, base_url="https://n.example/s.xml")


@pytest.mark.anyio
async def test_discover_source_collects_failures(settings, httpx_mock):
    httpx_mock.add_response(url="https://news.example/rss.xml", content=RSS,
                            headers={"Content-Type": "application/rss+xml"})
    httpx_mock.add_response(url="https://news.example/broken.xml", status_code=500,
                            is_reusable=True)
    httpx_mock.add_response(url="https://news.example/sitemap.xml", content=INDEX,
                            headers={"Content-Type": "application/xml"})
    httpx_mock.add_response(url="https://news.example/sitemap-1.xml.gz",
                            content=gzip.compress(SITEMAP),
                            headers={"Content-Type": "application/gzip"})
    source = Source(name="news", feeds=("https://news.example/rss.xml",
                                        "https://news.example/broken.xml"),
                    sitemaps=("https://news.example/sitemap.xml",))
    async with Fetcher(settings.model_copy(update={"fetch_attempts": 1})) as fetcher:
        found = await discover_source(source, fetcher)
    assert [c.url for c in found.candidates] == [
        "https://news.example/one", "https://news.example/two",
        "https://news.example/s1", "https://news.example/s2",
    ]
    assert [(f.url, f.reason) for f in found.failures] == [
        ("https://news.example/broken.xml", "http_status")]


@pytest.mark.anyio
async def test_max_age(settings, httpx_mock):
    from datetime import UTC, datetime

    httpx_mock.add_response(url="https://news.example/rss.xml", content=RSS,
                            headers={"Content-Type": "application/rss+xml"})
    source = Source(name="news", feeds=("https://news.example/rss.xml",), max_age_days=2)
    async with Fetcher(settings) as fetcher:
        found = await discover_source(source, fetcher, now=datetime(2023, 1, 10, tzinfo=UTC))
    # "one" is dated 2023-01-02: too old; "two" has no date and is kept
    assert [c.url for c in found.candidates] == ["https://news.example/two"]
    assert [c.url for c in found.too_old] == ["https://news.example/one"]
