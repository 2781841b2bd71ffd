"""Pure: URL hygiene. Canonical URLs, the page's declared canonical URL, same-site checks.

``canonical_url`` is applied to every article URL before it is looked up or stored, so
``https://News.example/a?utm_source=x&fbclid=y#top`` and ``https://news.example/a`` are one
article. ``declared_canonical`` reads ``<link rel="canonical">`` from a fetched page; the
pipeline stores the article under it when it is on the same site.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

import courlan
from lxml import html as lxml_html

_CANONICAL_LINK = re.compile(rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b", re.I)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, default port and fragment dropped, query sorted, tracking
    parameters (``utm_*``, ``fbclid``, ``gclid``, ``mc_cid``...) removed. Not http(s): as is."""
    url = url.strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return url
    try:
        normal = courlan.normalize_url(url, strict=False)
    except ValueError:  # courlan refuses some malformed ports and queries
        return urldefrag(url)[0]
    return urldefrag(normal)[0]


def declared_canonical(html: str, *, base_url: str) -> str | None:
    """The page's ``<link rel="canonical" href>`` as a canonical absolute URL, or None."""
    head = html[:200_000]
    if not _CANONICAL_LINK.search(head.encode("utf-8", "ignore")):
        return None
    try:
        root = lxml_html.fromstring(head)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for href in root.xpath("//link[contains(concat(' ', normalize-space(translate(@rel,"
                           "'CANONICAL','canonical')), ' '), ' canonical ')]/@href"):
        href = (href or "").strip()
        if not href:
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname:
            return canonical_url(url)
    return None


def same_site(url: str, other: str) -> bool:
    """Both URLs on one site: the same registered domain (``www.``/``m.`` hosts of it alike,
    another suffix not), or the same host for IP addresses and local names."""
    a, b = urlsplit(url).hostname or "", urlsplit(other).hostname or ""
    if not a or not b:
        return False
    if a == b:
        return True
    if "." not in a or "." not in b or a.replace(".", "").isdigit():
        return False
    return not courlan.is_external(url, other, ignore_suffix=False)
