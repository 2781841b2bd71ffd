"""The data path for one batch of URLs: fetch -> extract -> store -> claims -> conflicts.

These are the library functions the Prefect flow composes (``flows/ingestion.py``); they can be
called and tested without Prefect. Each URL ends with exactly one recorded outcome:

=========== ==================================================================
stored      a new article, or a new version of a known one (its text changed);
            a wire story another outlet already published is stored with the
            note "syndicated copy of <url>"
unchanged   fetched again, same text: no new version (reason ``not_modified``
            when the server answered 304 to our conditional request)
skipped     not fetched or not stored, with the reason: already_stored, too_old,
            no_article, content_type (PDF, image...), robots (disallowed by
            robots.txt or robots.txt unreadable), duplicate (the same text is
            stored under another URL of the same outlet)
failed      with the reason (http_status, timeout, transport, redirect_loop,
            too_many_redirects, private_address, too_large, internal) and the
            message
=========== ==================================================================

URLs are canonical (``ingest.urls``: tracking parameters dropped) before they are looked up;
a page that declares a ``rel=canonical`` URL on the same site is stored under that URL, so
two URLs of one article make one article.

One bad URL never fails the batch: its error is recorded and the next URL goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from ingest import errors, review, store
from ingest.claims import extract_claims
from ingest.config import Settings, Source
from ingest.db import session_scope
from ingest.discover import Candidate, discover_source
from ingest.extract import ExtractedArticle, extract_article
from ingest.fetch import FetchedPage, Fetcher
from ingest.hostslots import host_gate
from ingest.models import Article, ArticleVersion, FigureClaim, ReviewItem, utcnow
from ingest.urls import canonical_url, declared_canonical, same_site

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


#: How often an article is fetched again, by its age since we first stored it: often while
#: a story is fresh and still being revised, less after a day; never after
#: ``INGEST_RECHECK_MAX_AGE_HOURS``.
RECHECK_TIERS: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(hours=6), timedelta(minutes=30)),
    (timedelta(hours=24), timedelta(hours=2)),
    (timedelta.max, timedelta(hours=12)),
)


def recheck_due(*, first_seen: datetime, last_checked: datetime, now: datetime,
                max_age: timedelta) -> bool:
    """Pure: is an article first stored at ``first_seen`` due for another look?"""
    age = now - first_seen
    if age > max_age:
        return False
    interval = next(every for younger_than, every in RECHECK_TIERS if age < younger_than)
    return now - last_checked >= interval


def due_for_recheck(settings: Settings, *, limit: int,
                    now: datetime | None = None) -> list[Candidate]:
    """Recent articles whose next look is due, least recently checked first."""
    now = now or utcnow()
    max_age = timedelta(hours=settings.recheck_max_age_hours)
    with session_scope(settings.database_url) as session:
        recent = session.exec(
            select(Article)
            .where(col(Article.first_seen_at) >= now - max_age)
            .order_by(col(Article.last_checked_at))
        )
        due = [
            Candidate(url=article.url, source=article.source, listed_in="recheck")
            for article in recent
            if recheck_due(first_seen=_aware(article.first_seen_at),
                           last_checked=_aware(article.last_checked_at), now=now,
                           max_age=max_age)
        ]
    return due[:limit]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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
    for url in dict.fromkeys(canonical_url(url) for url in urls):
        host = urlsplit(url).hostname or "unknown"
        candidates.append(Candidate(url=url, source=by_host.get(host, host), listed_in="manual"))
    return candidates


async def process_batch(
    candidates: Sequence[Candidate],
    settings: Settings,
    *,
    run_id: int,
    force: bool = False,
    recheck: bool = False,
    fetcher: Fetcher | None = None,
) -> BatchReport:
    """Fetch, extract, store, parse claims and flag conflicts for a batch of candidates.

    Known URLs are skipped unless ``force`` is set, ``recheck`` is set (a conditional
    re-fetch: a 304 or the same text costs no new version), or the feed says the item was
    updated after we last checked it.
    """
    report = BatchReport()
    with session_scope(settings.database_url) as session:
        known = store.articles_by_url(session=session, urls=[c.url for c in candidates])
        todo: list[tuple[Candidate, _Known | None]] = []
        for candidate in candidates:
            article = known.get(candidate.url)
            updated = candidate.updated
            if (article is None or force or recheck
                    or (updated and updated > article.last_checked_at)):
                # validators of the stored copy make the request conditional (not with force:
                # a forced fetch reads the page in full)
                todo.append((candidate, None if article is None or force else _Known(
                    article.id, article.latest_version, article.etag, article.last_modified)))
                continue
            store.record_outcome(
                session=session, run_id=run_id, source=candidate.source, url=candidate.url,
                outcome="skipped", reason="already_stored",
                message=f"stored as version {article.latest_version}; not updated since",
                article_id=article.id, version=article.latest_version,
            )
            report.outcomes["skipped"] += 1

    async with _fetcher(settings, fetcher) as active:
        pages = await asyncio.gather(*(_fetch(active, c, k) for c, k in todo))

    for (candidate, known), page in zip(todo, pages, strict=True):
        outcome = _store_one(candidate, page, known, settings, run_id=run_id, report=report)
        report.outcomes[outcome] += 1
    return report


@dataclass(frozen=True, slots=True)
class _Known:
    """What a conditional re-fetch needs of the stored article."""

    article_id: int
    version: int
    etag: str | None
    last_modified: str | None


async def _fetch(fetcher: Fetcher, candidate: Candidate,
                 known: _Known | None) -> FetchedPage | errors.FetchError:
    try:
        return await fetcher.fetch(
            candidate.url, kind="html", min_interval=candidate.host_min_interval,
            etag=known.etag if known else None,
            last_modified=known.last_modified if known else None,
        )
    except errors.FetchError as exc:
        return exc


def _store_one(candidate: Candidate, page: FetchedPage | errors.FetchError,
               known: _Known | None, settings: Settings, *, run_id: int,
               report: BatchReport) -> str:
    """Everything after the fetch for one URL, in one transaction; returns the outcome."""
    common = dict(run_id=run_id, source=candidate.source, url=candidate.url)
    if isinstance(page, errors.FetchError):
        outcome = "skipped" if isinstance(page, _SKIPPED_FETCHES) else "failed"
        with session_scope(settings.database_url) as session:
            store.record_outcome(session=session, outcome=outcome, reason=page.reason,
                                 message=str(page), **common)
        return outcome
    if page.not_modified:  # only asked for with the stored copy's validators: ``known`` is set
        with session_scope(settings.database_url) as session:
            article = session.get(Article, known.article_id)
            article.last_checked_at = utcnow()
            session.add(article)
            store.record_outcome(session=session, outcome="unchanged", reason="not_modified",
                                 article_id=known.article_id, version=known.version,
                                 message="HTTP 304: not modified since the stored version",
                                 **common)
        return "unchanged"
    try:
        extracted = extract_article(page.text, url=page.url, min_chars=settings.min_text_chars)
    except errors.ExtractionError as exc:
        with session_scope(settings.database_url) as session:
            store.record_outcome(session=session, outcome="skipped", reason="no_article",
                                 message=str(exc), **common)
        return "skipped"
    url = storage_url(candidate.url, page)
    try:
        with session_scope(settings.database_url) as session:
            copy = None
            if store.articles_by_url(session=session, urls=[url]).get(url) is None:
                copy = same_text_elsewhere(session=session, content_hash=extracted.content_hash,
                                           url=url)
            if copy is not None and copy.source == candidate.source:
                store.record_outcome(session=session, outcome="skipped", reason="duplicate",
                                     article_id=copy.id, version=copy.latest_version,
                                     message=f"same text as {copy.url}", **common)
                return "skipped"
            stored = store_article(session=session, source=candidate.source,
                                   url=url, extracted=extracted, page=page,
                                   window_days=settings.event_window_days,
                                   published_hint=candidate.published)
            article, version = stored.article, stored.version
            where = f" (stored under its canonical URL {url})" if url != candidate.url else ""
            if version is None:
                store.record_outcome(session=session, outcome="unchanged",
                                     article_id=article.id, version=article.latest_version,
                                     message=f"same text as the stored version{where}", **common)
                return "unchanged"
            note = "" if stored.parsed else f" (language {version.language}: claims not parsed)"
            if copy is not None:
                note += f"; syndicated copy of {copy.url}"
            store.record_outcome(
                session=session, outcome="stored", article_id=article.id,
                version=version.version,
                message=f"version {version.version}: {len(stored.claims)} claims, "
                f"{len(stored.items)} flags{note}{where}",
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


# not the article's fault, nor ours: recorded as skipped with the reason
_SKIPPED_FETCHES = (errors.ContentTypeError, errors.RobotsError)


def storage_url(url: str, page: FetchedPage) -> str:
    """The URL an article is stored under: the page's rel=canonical URL when it is on the same
    site as the URL we fetched (another site's canonical is not trusted), else ``url``."""
    declared = declared_canonical(page.text, base_url=page.url)
    if declared and same_site(declared, page.url) and same_site(declared, url):
        return declared
    return url


def same_text_elsewhere(*, session: Session, content_hash: str, url: str) -> Article | None:
    """The earliest article other than ``url`` with a version of exactly this text."""
    return session.exec(
        select(Article)
        .join(ArticleVersion, col(ArticleVersion.article_id) == col(Article.id))
        .where(ArticleVersion.content_hash == content_hash)
        .where(Article.url != url)
        .order_by(col(Article.id))
        .limit(1)
    ).first()


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
        # the per-host pace is kept in the database, so it holds across workers
        self.own = Fetcher(self.settings, host_gate=host_gate(self.settings.database_url))
        return self.own

    async def __aexit__(self, *exc) -> None:
        if self.own is not None:
            await self.own.aclose()
