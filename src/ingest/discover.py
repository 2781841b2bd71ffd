"""Feeds and sitemaps -> candidate article URLs.

``parse_feed`` and ``parse_sitemap`` are pure (content in, links out). ``discover_source``
fetches a source's feeds and sitemaps through a ``Fetcher`` and never raises for one bad
document: each failure is returned with its reason so that the run can record it. Links are
made absolute and canonical (``ingest.urls.canonical_url``: tracking parameters dropped).
"""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
from lxml import etree

from ingest import errors
from ingest.config import Source
from ingest.fetch import Fetcher
from ingest.urls import canonical_url

MAX_SITEMAP_DEPTH = 3
MAX_SITEMAPS_PER_SOURCE = 50


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article URL listed by a feed or sitemap."""

    url: str
    source: str
    listed_in: str  # the feed or sitemap URL
    title: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    host_min_interval: float | None = None  # the source's own politeness interval, if set


@dataclass(frozen=True, slots=True)
class DiscoveryFailure:
    url: str
    reason: str
    message: str


@dataclass(slots=True)
class Discovery:
    source: str
    candidates: list[Candidate] = field(default_factory=list)
    failures: list[DiscoveryFailure] = field(default_factory=list)
    too_old: list[Candidate] = field(default_factory=list)


def parse_feed(content: bytes | str, *, base_url: str, source: str = "") -> list[Candidate]:
    """RSS or Atom content -> candidates, in feed order, without duplicates.

    Relative links are resolved against ``base_url``; a document that is not a feed raises
    ``DiscoveryError``.
    """
    headers = {"content-location": base_url, "content-type": "application/xml"}
    parsed = feedparser.parse(content, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception") or "no RSS or Atom elements"
        raise errors.DiscoveryError(f"not an RSS or Atom feed: {problem}", url=base_url)
    seen: set[str] = set()
    candidates = []
    for entry in parsed.entries:
        link = entry.get("link") or _first_alternate(entry)
        url = _clean_link(link, base_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        candidates.append(
            Candidate(
                url=url,
                source=source,
                listed_in=base_url,
                title=(entry.get("title") or None),
                published=_feed_time(dict.get(entry, "published_parsed")),
                updated=_feed_time(dict.get(entry, "updated_parsed")),
            )
        )
    if parsed.bozo and not candidates:
        problem = parsed.get("bozo_exception") or "unknown problem"
        raise errors.DiscoveryError(f"malformed feed: {problem}", url=base_url)
    return candidates  # a feed broken after some good items still yields those items


def parse_sitemap(
    content: bytes, *, base_url: str, source: str = ""
) -> tuple[list[Candidate], list[str]]:
    """A sitemap or sitemap index -> (article candidates, child sitemap URLs)."""
    if content[:2] == b"\x1f\x8b":
        try:
            content = gzip.decompress(content)
        except (OSError, EOFError) as exc:
            raise errors.DiscoveryError(f"broken gzip sitemap: {exc}", url=base_url) from exc
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
        root = etree.fromstring(content.strip(), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise errors.DiscoveryError(f"malformed sitemap: {exc}", url=base_url) from exc
    tag = etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise errors.DiscoveryError(f"not a sitemap (root element <{tag}>)", url=base_url)
    candidates: list[Candidate] = []
    children: list[str] = []
    seen: set[str] = set()
    for node in root:
        if not isinstance(node.tag, str):
            continue
        loc = _child_text(node, "loc")
        url = _clean_link(loc, base_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        if tag == "sitemapindex":
            children.append(url)
            continue
        lastmod = _parse_w3c(_child_text(node, "lastmod"))
        published = _parse_w3c(_descendant_text(node, "publication_date"))
        candidates.append(
            Candidate(
                url=url,
                source=source,
                listed_in=base_url,
                title=_descendant_text(node, "title"),
                published=published or lastmod,
                updated=lastmod,
            )
        )
    return candidates, children


async def discover_source(
    source: Source, fetcher: Fetcher, *, now: datetime | None = None
) -> Discovery:
    """Fetch and parse every feed and sitemap of ``source``; failures are collected."""
    result = Discovery(source=source.name)
    seen: set[str] = set()

    interval = source.host_min_interval

    def add(candidates: list[Candidate]) -> None:
        for candidate in candidates:
            if candidate.url not in seen:
                seen.add(candidate.url)
                if interval is not None:
                    candidate = replace(candidate, host_min_interval=interval)
                result.candidates.append(candidate)

    for feed_url in source.feeds:
        try:
            page = await fetcher.fetch(feed_url, kind="feed", min_interval=interval)
            add(parse_feed(page.content, base_url=page.url, source=source.name))
        except (errors.FetchError, errors.DiscoveryError) as exc:
            result.failures.append(DiscoveryFailure(feed_url, exc.reason, str(exc)))

    queue = [(url, 0) for url in source.sitemaps]
    visited: set[str] = set()
    while queue and len(visited) < MAX_SITEMAPS_PER_SOURCE:
        sitemap_url, depth = queue.pop(0)
        if sitemap_url in visited:
            continue
        visited.add(sitemap_url)
        try:
            page = await fetcher.fetch(sitemap_url, kind="sitemap", min_interval=interval)
            found, children = parse_sitemap(page.content, base_url=page.url, source=source.name)
        except (errors.FetchError, errors.DiscoveryError) as exc:
            result.failures.append(DiscoveryFailure(sitemap_url, exc.reason, str(exc)))
            continue
        add(found)
        if depth + 1 < MAX_SITEMAP_DEPTH:
            queue.extend((child, depth + 1) for child in children)

    if source.max_age_days is not None:
        cutoff = (now or datetime.now(UTC)) - timedelta(days=source.max_age_days)
        fresh = []
        for candidate in result.candidates:
            stamp = candidate.published or candidate.updated
            (result.too_old if stamp is not None and stamp < cutoff else fresh).append(candidate)
        result.candidates = fresh
    return result


def _clean_link(link: str | None, base_url: str) -> str | None:
    if not link:
        return None
    url, _fragment = urldefrag(urljoin(base_url, link.strip()))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or url == base_url:
        return None
    return canonical_url(url)


def _first_alternate(entry) -> str | None:
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _feed_time(parsed: time.struct_time | None) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _child_text(node, name: str) -> str | None:
    for child in node:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return (child.text or "").strip() or None
    return None


def _descendant_text(node, name: str) -> str | None:
    for child in node.iter():
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return (child.text or "").strip() or None
    return None


def _parse_w3c(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
