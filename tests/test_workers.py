"""Extraction and claims in worker processes, streamed batches, batched writes
(``ingest.workers`` and ``ingest.pipeline``), over real local HTTP."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from ingest import pipeline, review, store
from ingest.config import Settings, parse_sources
from ingest.db import get_engine, session_scope
from ingest.discover import Candidate
from ingest.fetch import FetchedPage
from ingest.models import Article, FigureClaim, ReviewItem
from ingest.workers import ExtractorPool, PageInput, Prepared, Rejected, prepare
from tests.busy_site import INCIDENTS, BusySite
from tests.pool_helpers import DIE, prepare_elsewhere, prepare_or_die

pytestmark = pytest.mark.anyio


class CrashSite(BusySite):
    """The busy site, plus /crash.html: an article whose extraction kills the process."""

    def route(self, path: str) -> tuple[int, str, str]:
        if path.split("?")[0] == "/crash.html":
            page = self.article("o0", "makiivka", INCIDENTS[0][1])
            return 200, "text/html; charset=utf-8", page.replace("<body>", f"<body>{DIE}")
        return super().route(path)


@pytest.fixture
def site():
    with CrashSite(outlets=4) as site:
        yield site


def candidates(site: BusySite, outlets: list[str]) -> list[Candidate]:
    return [Candidate(url=url, source=outlet, listed_in="test")
            for outlet in outlets for url in site.urls(outlet)]


async def ingest(settings: Settings, toml: str, pool: ExtractorPool) -> int:
    """Every source as one batch, as the flow does."""
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    for source in parse_sources(toml):
        found = await pipeline.discover(source, settings, run_id=run_id)
        await pipeline.process_batch(found, settings, run_id=run_id, pool=pool)
    pipeline.finish_run(settings, run_id=run_id)
    return run_id


def snapshot(url: str, run_id: int) -> dict:
    """What a run stored, ids included (timestamps left out)."""
    with session_scope(url) as session:
        return {
            "articles": [(a.id, a.url, a.source, a.latest_version, a.title, a.published_at)
                         for a in session.exec(select(Article).order_by(col(Article.id)))],
            "claims": [c.model_dump(exclude={"created_at"})
                       for c in session.exec(select(FigureClaim).order_by(col(FigureClaim.id)))],
            "items": [(i.id, i.kind, i.status, i.event, i.place, i.measure, i.subject,
                       i.priority, i.merged_into,
                       [c.id for c in review.item_claims(session=session, item_id=i.id)])
                      for i in session.exec(select(ReviewItem).order_by(col(ReviewItem.id)))],
            "outcomes": [(o.url, o.outcome, o.reason, o.message, o.article_id, o.version)
                         for o in store.run_outcomes(session=session, run_id=run_id)],
        }


async def test_the_pool_stores_exactly_what_serial_extraction_does(settings, site, tmp_path,
                                                                    monkeypatch):
    toml = site.sources_toml() + site.busy_toml()
    serial = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 's.db'}"})
    serial_run = await ingest(serial, toml, ExtractorPool(0))

    monkeypatch.setenv("INGEST_TEST_PARENT", str(os.getpid()))
    pool = ExtractorPool(2, function=prepare_elsewhere)  # fails if run in this process
    try:
        pooled_run = await ingest(settings, toml, pool)
    finally:
        pool.shutdown()
    expected, got = snapshot(serial.database_url, serial_run), snapshot(settings.database_url,
                                                                       pooled_run)
    assert len(got["articles"]) == 14 and len(got["items"]) >= 4  # seeds + 4 x 3 busy pages
    assert got == expected


async def test_a_page_that_kills_its_worker_fails_alone(settings, site):
    pool = ExtractorPool(2, function=prepare_or_die)
    batch = (candidates(site, ["o0"])
             + [Candidate(url=f"{site.base_url}/crash.html", source="o0", listed_in="test")]
             + candidates(site, ["o1"]))
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    try:
        report = await pipeline.process_batch(batch, settings, run_id=run_id, pool=pool)
        # the pool was replaced: the next batch is extracted as usual
        again = await pipeline.process_batch(candidates(site, ["o2"]), settings,
                                             run_id=run_id, pool=pool)
    finally:
        pool.shutdown()
    assert report.outcomes == {"stored": 6, "failed": 1}
    assert again.outcomes == {"stored": 3}
    with session_scope(settings.database_url) as session:
        outcomes = {o.url: o for o in store.run_outcomes(session=session, run_id=run_id)}
    crash = outcomes.pop(f"{site.base_url}/crash.html")
    assert (crash.outcome, crash.reason) == ("failed", "internal")
    assert "process died" in crash.message
    assert len(outcomes) == 9 and {o.outcome for o in outcomes.values()} == {"stored"}


async def test_an_extractor_exception_is_that_pages_failure(settings, site, monkeypatch):
    from ingest import workers

    def broken(html, *, url, min_chars=0, thorough=False):
        raise AttributeError("a bug in the extractor")

    monkeypatch.setattr(workers, "extract_article", broken)
    result = prepare(PageInput("https://a.example/x", "https://a.example/x", "<p>x</p>", 0))
    assert result == Rejected("internal", "extraction: AttributeError: a bug in the extractor")


def ready(site: BusySite, outlet: str, place: str, what: str) -> pipeline._Ready:
    """One URL of the busy site as it comes out of fetching and the pool."""
    url = f"{site.base_url}/{outlet}/{place}.html"
    html = site.article(outlet, place, what)
    prepared = prepare(PageInput(url, url, html, 100))
    assert isinstance(prepared, Prepared)
    page = FetchedPage(requested_url=url, url=url, status_code=200, content=b"", text="",
                       content_type="text/html", encoding="utf-8", fetched_at=datetime.now(UTC))
    return pipeline._Ready(Candidate(url=url, source=outlet, listed_in="test"), None, page,
                           prepared)


def commits(url: str) -> list[int]:
    counted = []
    event.listen(get_engine(url), "commit", lambda _conn: counted.append(1))
    return counted


def group_of_six(site: BusySite) -> list[pipeline._Ready]:
    return [ready(site, outlet, place, what)
            for outlet in ("o0", "o1") for place, what in INCIDENTS]


def outcomes_of(settings: Settings, run_id: int) -> dict[str, tuple]:
    with session_scope(settings.database_url) as session:
        return {o.url.split("/", 3)[3]: (o.outcome, o.reason)
                for o in store.run_outcomes(session=session, run_id=run_id)}


def test_a_group_of_articles_is_one_transaction(settings, site):
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    counted = commits(settings.database_url)
    report = pipeline.BatchReport()
    pipeline._store_group(group_of_six(site), settings, run_id=run_id, report=report)
    assert len(counted) == 1
    assert report.outcomes == {"stored": 6} and report.claims == 6
    assert len(report.review_items) == 3  # the two outlets disagree about each incident
    assert set(outcomes_of(settings, run_id).values()) == {("stored", None)}


def test_an_article_failing_in_a_group_fails_alone(settings, site, monkeypatch):
    save_claims = store.save_claims

    def failing(*, session, article, version, claims, window_days):
        if article.url.endswith("o0/kharkiv.html"):
            raise RuntimeError("no room for this one")
        return save_claims(session=session, article=article, version=version, claims=claims,
                           window_days=window_days)

    monkeypatch.setattr(store, "save_claims", failing)
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    report = pipeline.BatchReport()
    pipeline._store_group(group_of_six(site), settings, run_id=run_id, report=report)
    assert report.outcomes == {"stored": 5, "failed": 1}
    outcomes = outcomes_of(settings, run_id)
    assert len(outcomes) == 6  # one outcome per URL, the failed one recorded once
    assert outcomes.pop("o0/kharkiv.html") == ("failed", "internal")
    assert set(outcomes.values()) == {("stored", None)}
    with session_scope(settings.database_url) as session:
        urls = set(session.exec(select(Article.url)))
        assert len(urls) == 5 and not any(u.endswith("o0/kharkiv.html") for u in urls)
        assert len(session.exec(select(FigureClaim)).all()) == 5  # nothing half-stored


def test_an_article_failing_once_in_a_group_is_stored_alone(settings, site, monkeypatch):
    save_claims, failed = store.save_claims, []

    def failing_once(*, session, article, version, claims, window_days):
        if article.url.endswith("o1/makiivka.html") and not failed:
            failed.append(article.url)
            raise RuntimeError("deadlock detected")  # what a busy PostgreSQL may answer
        return save_claims(session=session, article=article, version=version, claims=claims,
                           window_days=window_days)

    monkeypatch.setattr(store, "save_claims", failing_once)
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    report = pipeline.BatchReport()
    pipeline._store_group(group_of_six(site), settings, run_id=run_id, report=report)
    assert failed and report.outcomes == {"stored": 6}
    assert set(outcomes_of(settings, run_id).values()) == {("stored", None)}
    assert len(outcomes_of(settings, run_id)) == 6


class CountingPool(ExtractorPool):
    """In-process; counts the pages being prepared at once."""

    def __init__(self) -> None:
        super().__init__(0)
        self.now = self.most = 0

    async def run(self, page: PageInput):
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(0.01)
            return prepare(page)
        finally:
            self.now -= 1


async def test_pages_are_streamed_not_held(settings, site):
    """At most fetch_concurrency + 2 x workers pages are held, however long the batch."""
    settings = settings.model_copy(update={"fetch_concurrency": 2, "host_concurrency": 2})
    pool = CountingPool()
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    report = await pipeline.process_batch(candidates(site, site.outlets), settings,
                                          run_id=run_id, pool=pool)
    assert report.outcomes == {"stored": 12}
    assert 1 <= pool.most <= 2 + 2 * 1


async def test_batches_in_flight_store_in_their_order(settings, tmp_path):
    """Batch 1 is ready first (batch 0 waits for a slow page) but stores after batch 0."""
    with BusySite(outlets=2, slow=("o0/makiivka.html",), slow_seconds=1.0) as site:
        run_id = pipeline.start_run(settings, trigger="test", sources=[])
        first, second = candidates(site, ["o0"]), candidates(site, ["o1"])
        try:
            reports = await asyncio.gather(*(
                pipeline.process_batch(part, settings, run_id=run_id, batch=index)
                for index, part in ((1, second), (0, first))))
        finally:
            pipeline.forget_batches(run_id)
    assert [r.outcomes for r in reports] == [{"stored": 3}, {"stored": 3}]
    with session_scope(settings.database_url) as session:
        stored = [a.url for a in session.exec(select(Article).order_by(col(Article.id)))]
    assert stored == [c.url for c in first + second]



@pytest.mark.parametrize("thorough", [False, True])
def test_the_extraction_effort_reaches_the_extractor(monkeypatch, thorough):
    """INGEST_EXTRACTION=thorough is passed to extract_article in the worker."""
    import ingest.workers
    from ingest.workers import PageInput, Rejected, prepare

    seen = []

    def fake(html, *, url, min_chars, thorough):
        seen.append(thorough)
        raise ingest.workers.errors.ExtractionError("stop here", url=url)

    monkeypatch.setattr(ingest.workers, "extract_article", fake)
    result = prepare(PageInput("http://x/a", "http://x/a", "<html></html>", 0,
                               thorough=thorough))
    assert isinstance(result, Rejected) and seen == [thorough]
