import pytest

from ingest.urls import canonical_url, declared_canonical, same_site


@pytest.mark.parametrize("url, expected", [
    ("https://News.Example:443/a?utm_source=x&id=3&fbclid=abc&gclid=1#top",
     "https://news.example/a?id=3"),
    ("http://news.example:80/a?b=2&a=1", "http://news.example/a?a=1&b=2"),
    ("https://news.example/a?utm_medium=rss&utm_campaign=c", "https://news.example/a"),
    ("http://127.0.0.1:8080/rt/x.html", "http://127.0.0.1:8080/rt/x.html"),
    ("mailto:desk@news.example", "mailto:desk@news.example"),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_declared_canonical():
    page = '<html><head><link rel="Canonical" href="/story?utm_medium=x"></head></html>'
    assert declared_canonical(page, base_url="https://news.example/amp/story") == \
        "https://news.example/story"
    assert declared_canonical("<html><head></head></html>", base_url="https://n.example/") is None
    empty = '<html><head><link rel="canonical" href=""></head></html>'
    assert declared_canonical(empty, base_url="https://n.example/") is None
    js = '<html><head><link rel="canonical" href="javascript:alert(1)"></head></html>'
    assert declared_canonical(js, base_url="https://n.example/") is None


@pytest.mark.parametrize("a, b, same", [
    ("https://www.bbc.co.uk/a", "https://m.bbc.co.uk/b", True),
    ("https://bbc.com/a", "https://bbc.co.uk/b", False),
    ("https://evil.example/a", "https://news.example/a", False),
    ("http://127.0.0.1:5/a", "http://127.0.0.1:6/b", True),
    ("http://127.0.0.1/a", "http://127.0.0.2/b", False),
])
def test_same_site(a, b, same):
    assert same_site(a, b) is same
