"""The data path for one batch of URLs: fetch -> extract -> store -> claims -> conflicts.

These are the library functions the Prefect flow composes (``flows/ingest.py``); they can be
called and tested without Prefect. Each URL ends with exactly one recorded outcome:

=========== ==================================================================
stored      a new article, or a new version of a known one (its text changed)
unchanged   fetched again, same text: no new version
skipped     not fetched or not stored, with the reason (already stored, too old,
            too little text...)
failed      with the reason (http_status, timeout, transport, content_type,
            too_large, extraction, internal) and the message
=========== ==================================================================

One bad URL never fails the batch: its error is recorded and the next URL goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session

from ingest import errors, review, store
from ingest.claims import extract_claims
from ingest.config import Settings, Source
from ingest.db import session_scope
from ingest.discover import Candidate, discover_source
from ingest.extract import ExtractedArticle, extract_article
from ingest.fetch import FetchedPage, Fetcher
from ingest.models import Article, ArticleVersion, FigureClaim, ReviewItem

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BatchReport:
    outcomes: Counter = field(default_factory=Counter)
    claims: int = 0
    review_items: set[int] = field(default_factory=set)

    def merge(self, other: BatchReport) -> BatchReport:
        self.outcomes.update(other.outcomes)
        self.claims += other.claims
        self.review_items |= other.review_items
        return self


def start_run(settings: Settings, *, trigger: str, sources: Sequence[str],
              flow_run_id: str | None = None) -> int:
    with session_scope(settings.database_url) as session:
        return store.start_run(
            session=session, trigger=trigger, sources=sources, flow_run_id=flow_run_id
        ).id


def finish_run(settings: Settings, *, run_id: int) -> dict:
    with session_scope(settings.database_url) as session:
        return dict(store.finish_run(session=session, run_id=run_id).counts)


async def discover(source: Source, settings: Settings, *, run_id: int,
                   fetcher: Fetcher | None = None) -> list[Candidate]:
    """A source's candidate URLs; failed feeds and too-old items are recorded."""
    async with _fetcher(settings, fetcher) as active:
        found = await discover_source(source, active)
    with session_scope(settings.database_url) as session:
        for failure in found.failures:
            store.record_outcome(
                session=session, run_id=run_id, source=source.name, url=failure.url,
                outcome="failed", reason=failure.reason, message=failure.message,
                kind="feed" if failure.url in source.feeds else "sitemap",
            )
        for candidate in found.too_old:
            store.record_outcome(
                session=session, run_id=run_id, source=source.name, url=candidate.url,
                outcome="skipped", reason="too_old",
                message=f"listed as published {candidate.published or candidate.updated}, "
                f"older than {source.max_age_days} days",
            )
    return found.candidates


def unique_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """A URL listed by several sources is ingested once, for the first source listing it."""
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        if candidate.url not in seen:
            seen.add(candidate.url)
            unique.append(candidate)
    return unique


def candidates_for_urls(urls: Sequence[str], sources: Sequence[Source]) -> list[Candidate]:
    """Candidates for URLs given by hand; the outlet is the source whose feeds share the host."""
    by_host = {}
    for source in sources:
        for listed in (*source.feeds, *source.sitemaps):
            by_host.setdefault(urlsplit(listed).hostname, source.name)
    candidates = []
    for url in dict.fromkeys(urls):
        host = urlsplit(url).hostname or "unknown"
        candidates.append(Candidate(url=url, source=by_host.get(host, host), listed_in="manual"))
    return candidates


async def process_batch(
    candidates: Sequence[Candidate],
    settings: Settings,
    *,
    run_id: int,
    force: bool = False,
    fetcher: Fetcher | None = None,
) -> BatchReport:
    """Fetch, extract, store, parse claims and flag conflicts for a batch of candidates.

    Known URLs are skipped unless ``force`` is set or the feed says the item was updated
    after we last checked it.
    """
    report = BatchReport()
    with session_scope(settings.database_url) as session:
        known = store.articles_by_url(session=session, urls=[c.url for c in candidates])
        todo = []
        for candidate in candidates:
            article = known.get(candidate.url)
            updated = candidate.updated
            if article is None or force or (updated and updated > article.last_checked_at):
                todo.append(candidate)
                continue
            store.record_outcome(
                session=session, run_id=run_id, source=candidate.source, url=candidate.url,
                outcome="skipped", reason="already_stored",
                message=f"stored as version {article.latest_version}; not updated since",
                article_id=article.id, version=article.latest_version,
            )
            report.outcomes["skipped"] += 1

    async with _fetcher(settings, fetcher) as active:
        pages = await asyncio.gather(*(_fetch(active, c.url) for c in todo))

    for candidate, page in zip(todo, pages, strict=True):
        outcome = _store_one(candidate, page, settings, run_id=run_id, report=report)
        report.outcomes[outcome] += 1
    return report


async def _fetch(fetcher: Fetcher, url: str) -> FetchedPage | errors.FetchError:
    try:
        return await fetcher.fetch(url, kind="html")
    except errors.FetchError as exc:
        return exc


def _store_one(candidate: Candidate, page: FetchedPage | errors.FetchError, settings: Settings,
               *, run_id: int, report: BatchReport) -> str:
    """Everything after the fetch for one URL, in one transaction; returns the outcome."""
    common = dict(run_id=run_id, source=candidate.source, url=candidate.url)
    if isinstance(page, errors.FetchError):
        with session_scope(settings.database_url) as session:
            store.record_outcome(session=session, outcome="failed", reason=page.reason,
                                 message=str(page), **common)
        return "failed"
    try:
        extracted = extract_article(page.text, url=page.url, min_chars=settings.min_text_chars)
    except errors.ExtractionError as exc:
        with session_scope(settings.database_url) as session:
            store.record_outcome(session=session, outcome="skipped", reason="no_article",
                                 message=str(exc), **common)
        return "skipped"
    try:
        with session_scope(settings.database_url) as session:
            stored = store_article(session=session, source=candidate.source,
                                   url=candidate.url, extracted=extracted, page=page,
                                   window_days=settings.event_window_days,
                                   published_hint=candidate.published)
            article, version = stored.article, stored.version
            if version is None:
                store.record_outcome(session=session, outcome="unchanged",
                                     article_id=article.id, version=article.latest_version,
                                     message="same text as the stored version", **common)
                return "unchanged"
            note = "" if stored.parsed else f" (language {version.language}: claims not parsed)"
            store.record_outcome(
                session=session, outcome="stored", article_id=article.id,
                version=version.version,
                message=f"version {version.version}: {len(stored.claims)} claims, "
                f"{len(stored.items)} flags{note}",
                **common,
            )
            report.claims += len(stored.claims)
            report.review_items.update(item.id for item in stored.items)
            return "stored"
    except Exception as exc:  # noqa: BLE001 - one bad URL must not sink the run
        log.exception("storing %s failed", candidate.url)
        with session_scope(settings.database_url) as session:
            store.record_outcome(session=session, outcome="failed", reason="internal",
                                 message=f"{type(exc).__name__}: {exc}", **common)
        return "failed"


@dataclass(frozen=True, slots=True)
class StoredArticle:
    article: Article
    version: ArticleVersion | None  # None: same text as the stored version
    claims: list[FigureClaim]
    items: list[ReviewItem]
    parsed: bool  # False when the language is not one the claims grammar reads


def store_article(
    *,
    session: Session,
    source: str,
    url: str,
    extracted: ExtractedArticle,
    window_days: int,
    page: FetchedPage | None = None,
    published_hint: datetime | None = None,
) -> StoredArticle:
    """Store -> claims -> conflicts for one extracted article, in the caller's transaction."""
    article, version = store.save_article_version(
        session=session, source=source, url=url, page=page, extracted=extracted
    )
    if version is None:
        return StoredArticle(article, None, [], [], True)
    if version.published_at is None and published_hint is not None:
        version.published_at = published_hint.date()
        article.published_at = article.published_at or version.published_at
    parsed = _claims_language(version.language)
    claims = extract_claims(
        version.text, title=version.title, published=version.published_at
    ) if parsed else []
    rows = store.save_claims(session=session, article=article, version=version,
                             claims=claims, window_days=window_days)
    items = review.flag_conflicts(session=session, claims=rows, window_days=window_days)
    return StoredArticle(article, version, rows, items, parsed)


def _claims_language(language: str | None) -> bool:
    """The claims grammar is English: other languages are stored but not parsed for claims."""
    return language is None or language.lower().startswith("en")


class _fetcher:
    """Use the given fetcher, or open (and close) one for the duration."""

    def __init__(self, settings: Settings, fetcher: Fetcher | None) -> None:
        self.settings, self.given, self.own = settings, fetcher, None

    async def __aenter__(self) -> Fetcher:
        if self.given is not None:
            return self.given
        self.own = Fetcher(self.settings)
        return self.own

    async def __aexit__(self, *exc) -> None:
        if self.own is not None:
            await self.own.aclose()
