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

How a batch goes through (``process_batch``)::

    candidates --fetch (async httpx, per-host limits)--> page
               --prepare in INGEST_WORKERS processes (extract_article, claims)--> Prepared
               --store in the batch's order, the articles ready together in one
                 transaction, each in a savepoint (store, claims, conflicts, outcome)

At most ``INGEST_FETCH_CONCURRENCY + 2 * INGEST_WORKERS`` fetched pages are held at once;
what waits for its turn to be stored is the extracted text. The flow keeps two batches in
flight, with their stages in order (``batch=``), so the order in which articles are stored,
and so their claims' event keys and review items, is the same as batch after batch, one URL
after the other.

One bad URL never fails the batch: its error is recorded and the next URL goes on. An article
whose storing fails inside a shared transaction is rolled back to its savepoint and stored
again alone once the others are committed (recorded as failed if that fails too); a page that
kills its worker process is recorded as failed and the pool is replaced.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from ingest import errors, review, store, workers
from ingest.claims import Claim, extract_claims
from ingest.config import Settings, Source
from ingest.db import session_scope
from ingest.discover import Candidate, discover_source
from ingest.extract import ExtractedArticle
from ingest.fetch import FetchedPage, Fetcher
from ingest.hostslots import host_gate
from ingest.models import Article, ArticleVersion, FigureClaim, ReviewItem, utcnow
from ingest.urls import canonical_url
from ingest.workers import (
    ExtractorPool,
    PageInput,
    Prepared,
    Rejected,
    claims_language,
    hint_date,
    shared_pool,
)

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
    with _orders_lock:
        _run_robots.pop(run_id, None)
    with session_scope(settings.database_url) as session:
        return dict(store.finish_run(session=session, run_id=run_id).counts)


#: robots.txt rules per run: its discovery and batches each open a fetcher, and ask a host
#: for its robots.txt once per run, not once per batch
_run_robots: dict[int, dict] = {}


def _robots_of(run_id: int) -> dict:
    with _orders_lock:
        return _run_robots.setdefault(run_id, {})


async def discover(source: Source, settings: Settings, *, run_id: int,
                   fetcher: Fetcher | None = None) -> list[Candidate]:
    """A source's candidate URLs; failed feeds and too-old items are recorded."""
    async with _fetcher(settings, fetcher, robots=_robots_of(run_id)) as active:
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
    pool: ExtractorPool | None = None,
    batch: int | None = None,
) -> BatchReport:
    """Fetch, extract, store, parse claims and flag conflicts for a batch of candidates.

    Known URLs are skipped unless ``force`` is set, ``recheck`` is set (a conditional
    re-fetch: a 304 or the same text costs no new version), or the feed says the item was
    updated after we last checked it.

    The stages overlap: pages are fetched concurrently (``fetcher``), extracted and parsed
    for claims in worker processes (``pool``, by default the process's pool of
    ``INGEST_WORKERS``), and stored as they come, in the batch's order, several articles per
    transaction. At most ``INGEST_FETCH_CONCURRENCY + 2 * INGEST_WORKERS`` fetched pages are
    held at once; what waits for its turn to be stored is the extracted text, not the page.

    ``batch``: the batch's number in its run, when the run has several batches in flight
    at once (the flow does): this batch then starts fetching once batch ``batch - 1`` has
    fetched everything (so the per-host limits hold across the two), and starts storing once
    that batch has stored everything (so claims are stored, and conflicts flagged, in the
    same order as batch after batch).
    """
    order = _order(run_id) if batch is not None else None
    try:
        report = BatchReport()
        todo = _to_fetch(candidates, settings, run_id=run_id, force=force, recheck=recheck,
                         report=report)
        if todo:
            pool = pool if pool is not None else shared_pool(settings.workers)
            if order is not None:
                await order.wait("fetch", batch)
            async with _fetcher(settings, fetcher, robots=_robots_of(run_id)) as active:
                await _stream(todo, settings, active, pool, run_id=run_id, report=report,
                              order=order, batch=batch)
        return report
    finally:
        if order is not None:
            order.end(batch)


class _BatchOrder:
    """The stages of one run's batches, kept in the batches' order: stage ``fetch`` or
    ``store`` of batch k waits until that stage of every earlier batch has ended."""

    STAGES = ("fetch", "store")

    def __init__(self) -> None:
        self._ended = {stage: set() for stage in self.STAGES}
        self._next = dict.fromkeys(self.STAGES, 0)  # the first batch whose stage has not ended

    def ready(self, stage: str, batch: int) -> bool:
        return self._next[stage] >= batch

    async def wait(self, stage: str, batch: int) -> None:
        while not self.ready(stage, batch):
            await asyncio.sleep(0.005)  # polled: works whichever event loop runs each batch

    def end(self, batch: int, stage: str | None = None) -> None:
        with _orders_lock:
            for name in (stage,) if stage else self.STAGES:
                self._ended[name].add(batch)
                while self._next[name] in self._ended[name]:
                    self._ended[name].discard(self._next[name])
                    self._next[name] += 1


_orders: dict[int, _BatchOrder] = {}
_orders_lock = threading.Lock()


def _order(run_id: int) -> _BatchOrder:
    with _orders_lock:
        return _orders.setdefault(run_id, _BatchOrder())


def end_batch(run_id: int, batch: int) -> None:
    """Batch ``batch`` of the run is over (idempotent): the next ones need not wait for it.
    ``process_batch`` says so itself; the flow says it again in case a task never ran."""
    _order(run_id).end(batch)


def forget_batches(run_id: int) -> None:
    """The run has no more batches in flight."""
    with _orders_lock:
        _orders.pop(run_id, None)
        _run_robots.pop(run_id, None)


def _to_fetch(candidates: Sequence[Candidate], settings: Settings, *, run_id: int,
              force: bool, recheck: bool, report: BatchReport) -> list[tuple[Candidate, _Known | None]]:
    """The candidates to fetch, with what a conditional request needs; the others are
    recorded as skipped (already stored, not updated since)."""
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
    return todo


@dataclass(frozen=True, slots=True)
class _Known:
    """What a conditional re-fetch needs of the stored article."""

    article_id: int
    version: int
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class _Ready:
    """One URL fetched and prepared, waiting for its turn to be stored. ``page`` no longer
    holds the body; ``prepared`` is None when there was nothing to extract (a fetch error,
    a 304)."""

    candidate: Candidate
    known: _Known | None
    page: FetchedPage | errors.FetchError
    prepared: Prepared | Rejected | None = None


#: Most articles stored in one transaction, each in a savepoint of its own. A transaction
#: takes the articles that are ready when it starts (in the batch's order, none waited for),
#: so it grows only when storing is the slower stage.
ARTICLES_PER_TRANSACTION = 20


async def _stream(todo: list[tuple[Candidate, _Known | None]], settings: Settings,
                  fetcher: Fetcher, pool: ExtractorPool, *, run_id: int, report: BatchReport,
                  order: _BatchOrder | None = None, batch: int | None = None) -> None:
    """Fetch and prepare concurrently; store in the batch's order as results come in."""
    loop = asyncio.get_running_loop()
    held = asyncio.Semaphore(settings.fetch_concurrency + 2 * max(pool.workers, 1))
    slots: list[asyncio.Future[_Ready]] = [loop.create_future() for _ in todo]
    unfetched = len(todo)

    def fetched() -> None:
        nonlocal unfetched
        unfetched -= 1
        if unfetched == 0 and order is not None:
            order.end(batch, "fetch")  # the next batch may start fetching

    async def produce(index: int, candidate: Candidate, known: _Known | None) -> None:
        page = None
        try:
            async with held:  # FIFO: pages are fetched roughly in the batch's order
                page = await _fetch(fetcher, candidate, known)
                fetched()
                ready = await _prepare(candidate, known, page, settings, pool)
        except Exception as exc:  # noqa: BLE001 - recorded as this URL's failure
            log.exception("preparing %s failed", candidate.url)
            if page is None:
                fetched()
            ready = _Ready(candidate, known, page=errors.FetchError("", url=candidate.url),
                           prepared=Rejected("internal", f"{type(exc).__name__}: {exc}"))
        slots[index].set_result(ready)

    producers = [asyncio.create_task(produce(i, c, k)) for i, (c, k) in enumerate(todo)]
    try:
        index = 0
        while index < len(slots):
            group = [await slots[index]]
            if index == 0 and order is not None:
                await order.wait("store", batch)
            index += 1
            while (index < len(slots) and slots[index].done()
                   and len(group) < ARTICLES_PER_TRANSACTION):
                group.append(slots[index].result())
                index += 1
            # in a thread: the event loop goes on fetching and collecting results meanwhile
            await asyncio.to_thread(_store_group, group, settings, run_id=run_id,
                                    report=report)
    finally:
        for producer in producers:
            producer.cancel()
        await asyncio.gather(*producers, return_exceptions=True)


async def _prepare(candidate: Candidate, known: _Known | None,
                   page: FetchedPage | errors.FetchError, settings: Settings,
                   pool: ExtractorPool) -> _Ready:
    if isinstance(page, errors.FetchError) or page.not_modified:
        return _Ready(candidate, known, page)
    prepared = await pool.run(PageInput(
        requested_url=candidate.url, final_url=page.url, text=page.text,
        min_chars=settings.min_text_chars, published_hint=hint_date(candidate.published),
        thorough=settings.extraction == "thorough",
    ))
    return _Ready(candidate, known, replace(page, content=b"", text=""), prepared)


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


@dataclass(frozen=True, slots=True)
class _Stored:
    """One URL's outcome, counted in the report once its transaction has committed."""

    outcome: str
    claims: int = 0
    items: tuple[int, ...] = ()


def _store_group(group: Sequence[_Ready], settings: Settings, *, run_id: int,
                 report: BatchReport) -> None:
    """Store ``group`` in one transaction, each URL in a savepoint: a URL that fails is rolled
    back alone, and stored again in a transaction of its own once the others are committed
    (then, if it fails again, recorded as failed). If the transaction itself cannot commit,
    every URL of the group is stored alone."""
    done: list[_Stored] = []
    again: list[_Ready] = []
    try:
        with session_scope(settings.database_url) as session:
            _begin_writing(session)
            # every incident lock the group will need, in one global order, before any: two
            # workers storing groups about the same incidents cannot deadlock
            store.lock_incidents(session=session, claims=[
                claim for ready in group if isinstance(ready.prepared, Prepared)
                for claim in ready.prepared.claims])
            for ready in group:
                try:
                    with session.begin_nested():
                        result = _store_one(session, ready, settings, run_id=run_id)
                except Exception:  # noqa: BLE001 - tried again alone below
                    log.warning("storing %s failed in a batch; trying it alone",
                                ready.candidate.url, exc_info=True)
                    again.append(ready)
                else:
                    done.append(result)
    except Exception:  # noqa: BLE001 - the transaction failed as a whole
        log.warning("a transaction of %d articles failed; storing them one by one",
                    len(group), exc_info=True)
        done, again = [], list(group)
    for result in done:
        _count(report, result)
    for ready in again:
        _count(report, _store_alone(ready, settings, run_id=run_id))


def _store_alone(ready: _Ready, settings: Settings, *, run_id: int) -> _Stored:
    try:
        with session_scope(settings.database_url) as session:
            return _store_one(session, ready, settings, run_id=run_id)
    except Exception as exc:  # noqa: BLE001 - one bad URL must not sink the run
        log.exception("storing %s failed", ready.candidate.url)
        with session_scope(settings.database_url) as session:
            store.record_outcome(session=session, outcome="failed", reason="internal",
                                 message=f"{type(exc).__name__}: {exc}", run_id=run_id,
                                 source=ready.candidate.source, url=ready.candidate.url)
        return _Stored("failed")


def _count(report: BatchReport, result: _Stored) -> None:
    report.outcomes[result.outcome] += 1
    report.claims += result.claims
    report.review_items.update(result.items)


def _begin_writing(session: Session) -> None:
    """On SQLite, begin the transaction explicitly, taking the write lock now: savepoints
    then nest inside it (the driver would otherwise begin it only at the first INSERT, and a
    first SAVEPOINT would make its RELEASE a commit)."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def _store_one(session: Session, ready: _Ready, settings: Settings, *, run_id: int) -> _Stored:
    """Everything after the fetch and extraction of one URL, in the caller's transaction."""
    candidate, page, known, prepared = ready.candidate, ready.page, ready.known, ready.prepared
    common = dict(session=session, run_id=run_id, source=candidate.source, url=candidate.url)
    if isinstance(prepared, Rejected):
        outcome = "skipped" if prepared.reason == "no_article" else "failed"
        reason = "no_article" if prepared.reason == "no_article" else "internal"
        store.record_outcome(outcome=outcome, reason=reason, message=prepared.message, **common)
        return _Stored(outcome)
    if isinstance(page, errors.FetchError):
        outcome = "skipped" if isinstance(page, _SKIPPED_FETCHES) else "failed"
        store.record_outcome(outcome=outcome, reason=page.reason, message=str(page), **common)
        return _Stored(outcome)
    if page.not_modified:  # only asked for with the stored copy's validators: ``known`` is set
        article = session.get(Article, known.article_id)
        article.last_checked_at = utcnow()
        session.add(article)
        store.record_outcome(outcome="unchanged", reason="not_modified",
                             article_id=known.article_id, version=known.version,
                             message="HTTP 304: not modified since the stored version",
                             **common)
        return _Stored("unchanged")
    extracted, url = prepared.extracted, prepared.storage_url
    copy = None
    if store.articles_by_url(session=session, urls=[url]).get(url) is None:
        copy = same_text_elsewhere(session=session, content_hash=extracted.content_hash,
                                   url=url)
    if copy is not None and copy.source == candidate.source:
        store.record_outcome(outcome="skipped", reason="duplicate", article_id=copy.id,
                             version=copy.latest_version, message=f"same text as {copy.url}",
                             **common)
        return _Stored("skipped")
    stored = store_article(session=session, source=candidate.source, url=url,
                           extracted=extracted, page=page,
                           window_days=settings.event_window_days,
                           published_hint=candidate.published,
                           claims=prepared.claims if prepared.parsed else None)
    article, version = stored.article, stored.version
    where = f" (stored under its canonical URL {url})" if url != candidate.url else ""
    if version is None:
        store.record_outcome(outcome="unchanged", article_id=article.id,
                             version=article.latest_version,
                             message=f"same text as the stored version{where}", **common)
        return _Stored("unchanged")
    note = "" if stored.parsed else f" (language {version.language}: claims not parsed)"
    if copy is not None:
        note += f"; syndicated copy of {copy.url}"
    store.record_outcome(
        outcome="stored", article_id=article.id, version=version.version,
        message=f"version {version.version}: {len(stored.claims)} claims, "
        f"{len(stored.items)} flags{note}{where}",
        **common,
    )
    return _Stored("stored", len(stored.claims), tuple(item.id for item in stored.items))


# not the article's fault, nor ours: recorded as skipped with the reason
_SKIPPED_FETCHES = (errors.ContentTypeError, errors.RobotsError)


def storage_url(url: str, page: FetchedPage) -> str:
    """The URL an article is stored under: the page's rel=canonical URL when it is on the same
    site as the URL we fetched (another site's canonical is not trusted), else ``url``."""
    return workers.storage_url(url, page.text, final_url=page.url)


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
    claims: Sequence[Claim] | None = None,
) -> StoredArticle:
    """Store -> claims -> conflicts for one extracted article, in the caller's transaction.

    ``claims``: the text's claims when already parsed (by a worker process, with the same
    publication date as below); otherwise they are parsed here.
    """
    article, version = store.save_article_version(
        session=session, source=source, url=url, page=page, extracted=extracted
    )
    if version is None:
        return StoredArticle(article, None, [], [], True)
    if version.published_at is None and published_hint is not None:
        version.published_at = published_hint.date()
        article.published_at = article.published_at or version.published_at
    parsed = claims_language(version.language)
    if not parsed:
        claims = []
    elif claims is None:
        claims = extract_claims(version.text, title=version.title,
                                published=version.published_at)
    rows = store.save_claims(session=session, article=article, version=version,
                             claims=claims, window_days=window_days)
    items = review.flag_conflicts(session=session, claims=rows, window_days=window_days)
    return StoredArticle(article, version, rows, items, parsed)


class _fetcher:
    """Use the given fetcher, or open (and close) one for the duration."""

    def __init__(self, settings: Settings, fetcher: Fetcher | None, *,
                 robots: dict | None = None) -> None:
        self.settings, self.given, self.own, self.robots = settings, fetcher, None, robots

    async def __aenter__(self) -> Fetcher:
        if self.given is not None:
            return self.given
        # the per-host pace is kept in the database, so it holds across workers
        self.own = Fetcher(self.settings, host_gate=host_gate(self.settings.database_url),
                           robots=self.robots)
        return self.own

    async def __aexit__(self, *exc) -> None:
        if self.own is not None:
            await self.own.aclose()
