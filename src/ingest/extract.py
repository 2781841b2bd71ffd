"""Pure: HTML -> article text and metadata, with trafilatura.

``extract_article(html, url=...)`` takes content, not a URL to fetch. trafilatura's text
(default mode) is corrected by the rules of ``ingest.body`` (other trafilatura modes as
second opinions, the page's JSON-LD articleBody, bodies split into parts); how well that
works is measured by ``bench/extraction_quality.py``. The content hash is taken over the
normalised text (whitespace collapsed), so a page whose markup changes but whose words do
not yields the same hash and no new version.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

import htmldate
import trafilatura
from lxml import html as lxml_html
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from ingest import errors
from ingest.body import article_body, normalise_text

__all__ = ["ExtractedArticle", "content_hash", "extract_article", "normalise_text"]

_LANG = re.compile(r"^[A-Za-z]{2,3}")


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """What trafilatura found in one page."""

    url: str
    text: str
    title: str | None
    authors: str | None
    site_name: str | None
    published: date | None
    language: str | None
    description: str | None
    content_hash: str
    modified: date | None = None  # the page's own "updated" date, when it states one
    update_note: str | None = None  # "Correction: ...", "Updated ...", "First modification:"
    text_source: str = "trafilatura"  # the rules of ingest.body that shaped the text


#: The extraction efforts (``INGEST_EXTRACTION``): ``standard`` takes trafilatura's fast
#: mode (no readability/jusText fallback) with the cheap rules of ``ingest.body``;
#: ``thorough`` takes its default mode and adds a precision-minded pass to vote between
#: modes and trim boilerplate at the edges, for about twice the CPU per page.
EXTRACTIONS = ("standard", "thorough")


def extract_article(html: str, *, url: str, min_chars: int = 0,
                    thorough: bool = False) -> ExtractedArticle:
    """Extract the main text and metadata of an article page (``thorough``: see
    :data:`EXTRACTIONS`).

    Raises ``ExtractionError`` when the page holds no text, or less than ``min_chars``.
    """
    if not html or not html.strip():
        raise errors.ExtractionError("empty page", url=url)
    try:
        # parsed once, as trafilatura parses; each trafilatura pass works on its own copy
        tree = load_html(html)
        if tree is None:
            raise ValueError("not HTML")
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            fast=not thorough,
            date_extraction_params={"original_date": True, "extensive_search": True},
        )
    except (ValueError, TypeError) as exc:  # trafilatura raises these on unparsable input
        raise errors.ExtractionError(f"unparsable page: {exc}", url=url) from exc
    if document is None:
        raise errors.ExtractionError("no article text found", url=url)
    main = normalise_text(document.text or "")
    body = article_body(tree, url=url, main=main, title=document.title, thorough=thorough)
    text = body.text
    if not text:
        raise errors.ExtractionError("no article text found", url=url)
    if len(text) < min_chars:
        raise errors.ExtractionError(
            f"only {len(text)} characters of text (minimum {min_chars})", url=url
        )
    return ExtractedArticle(
        url=url,
        text=text,
        title=_clean(document.title),
        authors=_clean(document.author),
        site_name=_clean(document.sitename),
        published=_to_date(document.date),
        language=document.language or page_language(tree),
        description=_clean(document.description),
        content_hash=content_hash(text),
        modified=_modified(tree, url),  # last: htmldate may prune the tree it is given
        update_note=update_note(text) or update_note(main),
        text_source=body.source,
    )


_NOTE_RE = re.compile(
    r"^(?:first|second|third|last)\s+modification\b.*|"
    r"^(?:correction|clarification|editor['’]s\s+note|update|updated)\b\s*[:(\-–—].*|"
    r"^(?:this\s+(?:article|story)\s+(?:has\s+been|was)\s+(?:updated|corrected|amended))\b.*",
    re.IGNORECASE | re.MULTILINE,
)


def update_note(text: str) -> str | None:
    """The article's own note on a revision ("First modification:", "Correction: ..."),
    as its first 300 characters."""
    match = _NOTE_RE.search(text)
    return match.group(0).strip()[:300] if match else None


def _modified(page: str | HtmlElement, url: str) -> date | None:
    """The last-modified date the page declares (meta tags and the like; no deep search)."""
    try:
        found = htmldate.find_date(page, url=url, original_date=False, extensive_search=False)
    except (ValueError, TypeError):
        return None
    return _to_date(found)


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def page_language(page: str | HtmlElement) -> str | None:
    """The language declared by the page (``<html lang>``, content-language, og:locale)."""
    if isinstance(page, HtmlElement):
        root = page
    else:
        try:
            root = lxml_html.fromstring(page[:200_000])
        except (ValueError, lxml_html.etree.ParserError):
            return None
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += root.xpath(
        "//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')"
        "='content-language']/@content"
    )
    candidates += root.xpath("//meta[@property='og:locale']/@content")
    for value in candidates:
        match = _LANG.match(value or "")
        if match:
            return match.group(0).lower()
    return None


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _to_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None
