"""The library data path (no Prefect) against the demo site over real local HTTP."""

import pytest
from sqlmodel import col, select

from ingest import pipeline, review
from ingest.config import parse_sources
from ingest.db import session_scope
from ingest.models import Article, ArticleVersion, FigureClaim
from tests.faulty_site import FaultySite
from tests.http_mocks import allow_robots

pytestmark = pytest.mark.anyio


@pytest.fixture
def httpx_mock(httpx_mock):
    """pytest-httpx's mock, answering robots.txt with 404 (everything allowed)."""
    allow_robots(httpx_mock)
    return httpx_mock


@pytest.fixture
def site():
    with FaultySite() as site:
        yield site


async def ingest_all(settings, toml, *, force=False):
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    report = pipeline.BatchReport()
    for source in parse_sources(toml):
        candidates = await pipeline.discover(source, settings, run_id=run_id)
        report.merge(await pipeline.process_batch(candidates, settings, run_id=run_id,
                                                  force=force))
    pipeline.finish_run(settings, run_id=run_id)
    return run_id, report


def queue(settings):
    with session_scope(settings.database_url) as session:
        items = review.list_items(session=session)
        return [
            (item.kind, item.place, item.measure,
             sorted((c.quote, c.actor) for c in review.item_claims(session=session,
                                                                    item_id=item.id)))
            for item in items
        ]


async def test_seed_site_flags_the_two_disputes(settings, site):
    _run, report = await ingest_all(settings, site.sources_toml())
    assert report.outcomes == {"stored": 2}
    items = {place: (kind, claims) for kind, place, _m, claims in queue(settings)}
    assert set(items) == {"makiivka", "kramatorsk"}
    makiivka = [quote for quote, _actor in items["makiivka"][1]]
    assert any("63" in q for q in makiivka)
    assert any("89" in q for q in makiivka)
    assert any("400" in q for q in makiivka)
    kramatorsk = items["kramatorsk"][1]
    assert any("600" in q for q, _ in kramatorsk)
    assert any("no casualties" in q for q, _ in kramatorsk)
    with session_scope(settings.database_url) as session:
        missiles = session.exec(select(FigureClaim).where(
            col(FigureClaim.measure).in_(["missiles_intercepted", "missiles_hit"]))).all()
        assert {(c.measure, c.value) for c in missiles} >= {
            ("missiles_intercepted", 2), ("missiles_hit", 4)}
    flagged_measures = {measure for _k, _p, measure, _c in queue(settings)}
    assert not flagged_measures & {"missiles_intercepted", "missiles_hit"}


async def test_second_run_creates_no_duplicates(settings, site):
    await ingest_all(settings, site.sources_toml())
    first = queue(settings)
    _run, report = await ingest_all(settings, site.sources_toml())
    assert report.outcomes == {"skipped": 2}
    _run, report = await ingest_all(settings, site.sources_toml(), force=True)
    assert report.outcomes == {"unchanged": 2}
    assert queue(settings) == first
    with session_scope(settings.database_url) as session:
        assert len(session.exec(select(Article)).all()) == 2
        assert len(session.exec(select(ArticleVersion)).all()) == 2


async def test_bad_urls_are_recorded_and_do_not_stop_the_run(settings, site):
    settings = settings.model_copy(update={"total_timeout": 1.0, "read_timeout": 1.0,
                                           "max_response_bytes": 100_000,
                                           "fetch_attempts": 2, "retry_backoff": 0.01})
    run_id, report = await ingest_all(settings, site.faults_toml())
    with session_scope(settings.database_url) as session:
        from ingest import store

        outcomes = {row.url.rsplit("/", 1)[-1]: (row.outcome, row.reason)
                    for row in store.run_outcomes(session=session, run_id=run_id)}
    assert outcomes["makeyevka-strike.html"] == ("stored", None)
    assert outcomes["missing"] == ("failed", "http_status")
    assert outcomes["error"] == ("failed", "http_status")
    assert outcomes["slow"] == ("failed", "timeout")
    assert outcomes["pdf"] == ("skipped", "content_type")
    assert outcomes["huge"] == ("failed", "too_large")
    assert outcomes["empty"] == ("skipped", "no_article")
    assert outcomes["broken-feed.xml"] == ("failed", "discovery")
    assert outcomes["nofeed"] == ("failed", "http_status")
    assert report.outcomes["stored"] == 1 and report.outcomes["failed"] == 4


async def test_non_english_pages_are_stored_without_claims(settings, httpx_mock):
    from ingest.discover import Candidate

    body = "<p>" + "В результате удара погибли 63 военнослужащих. " * 8 + "</p>"
    httpx_mock.add_response(url="https://ru.example/a", headers={"Content-Type": "text/html"},
                            text=f'<html lang="ru"><body><article>{body}</article></body></html>')
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    report = await pipeline.process_batch(
        [Candidate(url="https://ru.example/a", source="ru", listed_in="test")], settings,
        run_id=run_id)
    assert report.outcomes == {"stored": 1} and report.claims == 0
    with session_scope(settings.database_url) as session:
        from ingest import store

        (outcome,) = store.run_outcomes(session=session, run_id=run_id)
    assert "language ru: claims not parsed" in outcome.message
