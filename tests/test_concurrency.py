"""Several ingestions at once over overlapping sources: no duplicate articles, versions, claims
or review items, on SQLite and PostgreSQL; and the per-host limiter shared by workers."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter

import pytest
from sqlmodel import select

from ingest import hostslots, pipeline, review
from ingest.config import Settings, parse_sources
from ingest.db import session_scope
from tests.busy_site import BusySite, assert_stored_once


@pytest.fixture
def site():
    with BusySite(outlets=4) as site:
        yield site


def _settings(url: str) -> Settings:
    return Settings(database_url=url, host_min_interval=0, min_text_chars=100,
                    allow_private_networks=True)


async def _ingest(settings: Settings, toml: str) -> Counter:
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    outcomes = Counter()
    for source in parse_sources(toml):
        candidates = await pipeline.discover(source, settings, run_id=run_id)
        report = await pipeline.process_batch(candidates, settings, run_id=run_id, force=True)
        outcomes.update(report.outcomes)
    pipeline.finish_run(settings, run_id=run_id)
    return outcomes


def _in_threads(*jobs) -> list:
    """Run each coroutine function in its own thread and event loop, all released at once."""
    start = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def work(index, job):
        start.wait()
        try:
            results[index] = asyncio.run(job())
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[index] = exc

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _slow_flagging(monkeypatch, seconds: float = 0.05) -> None:
    """Pause between storing an article's claims and flagging them: without the incident
    locks, two workers would each miss the other's claims or open two items."""
    flag = review.flag_conflicts

    def paused(**kwargs):
        time.sleep(seconds)
        return flag(**kwargs)

    monkeypatch.setattr(review, "flag_conflicts", paused)


def test_overlapping_runs_at_once_store_everything_once(any_db_url, site, monkeypatch):
    _slow_flagging(monkeypatch)
    settings = _settings(any_db_url)
    first, second, third = (site.busy_toml(["o0", "o1", "o2"]), site.busy_toml(["o1", "o2", "o3"]),
                            site.busy_toml(["o3", "o0"]))
    results = _in_threads(*(lambda toml=toml: _ingest(settings, toml)
                            for toml in (first, second, third)))
    for result in results:
        assert isinstance(result, Counter), result
        assert set(result) <= {"stored", "unchanged"}, result  # nothing failed
    assert sum(r["stored"] for r in results) == 12  # each article stored by one worker
    assert_stored_once(any_db_url, site, site.outlets)


def test_host_slots_space_requests_across_workers(any_db_url):
    """Eight workers reserve slots for one host at once: every slot is its own, 0.05 s apart."""
    interval = 0.05

    async def reserve_two():
        return [hostslots.reserve_host_slot(any_db_url, "Example.ORG", interval)
                for _ in range(2)]

    started = time.time()
    results = _in_threads(*([reserve_two] * 8))
    delays = sorted(d for pair in results for d in pair)
    elapsed = time.time() - started
    assert delays[0] == pytest.approx(0.0, abs=0.02)
    # 16 slots, each starting at least ~interval after the previous one (times of the calls
    # differ by the threads' scheduling, so compare the slot starts)
    starts = sorted(started + d for d in delays)
    assert starts[-1] - starts[0] >= 15 * interval - 0.1 - elapsed
    with session_scope(any_db_url) as session:
        from ingest.models import HostSlot

        (slot,) = session.exec(select(HostSlot)).all()
        assert slot.host == "example.org"
    assert hostslots.reserve_host_slot(any_db_url, "other.example", interval) == 0.0


def test_wait_for_host_slot_paces_one_host(any_db_url):
    async def three():
        started = time.monotonic()
        for _ in range(3):
            await hostslots.wait_for_host_slot(any_db_url, "a.example", 0.1)
        return time.monotonic() - started

    assert asyncio.run(three()) >= 0.19
    gate = hostslots.host_gate(any_db_url)  # the shape fetch.Fetcher(host_gate=...) takes
    started = time.monotonic()
    asyncio.run(gate("a.example", 0.1))  # the last slot above ends 0.1 s after it started
    assert time.monotonic() - started >= 0.05
    assert asyncio.run(hostslots.wait_for_host_slot(any_db_url, "b.example", 0)) == 0.0


def test_two_prefect_flow_runs_at_once(prefect_server, pg_url, monkeypatch, tmp_path):
    """Two real runs of the ``ingest`` flow, overlapping sources, at once on PostgreSQL."""
    from flows.ingestion import ingest

    for key, value in {"INGEST_DATABASE_URL": pg_url, "INGEST_HOST_MIN_INTERVAL": "0",
                       "INGEST_MIN_TEXT_CHARS": "100", "INGEST_ALLOW_PRIVATE_NETWORKS": "true",
                       "INGEST_BATCH_SIZE": "2"}.items():
        monkeypatch.setenv(key, value)
    _slow_flagging(monkeypatch)
    with BusySite(outlets=4) as site:
        first, second = tmp_path / "first.toml", tmp_path / "second.toml"
        first.write_text(site.busy_toml(["o0", "o1", "o2"]))
        second.write_text(site.busy_toml(["o1", "o2", "o3", "o0"]))
        results = _in_threads(*(lambda path=path: ingest(sources_file=str(path), force=True,
                                                         trigger="test")
                                for path in (first, second)))
        for result in results:
            assert isinstance(result, dict), result
            assert set(result["counts"]) <= {"stored", "unchanged", "feed_failures"}, result
        assert sum(r["counts"].get("stored", 0) for r in results) == 12
        assert_stored_once(pg_url, site, site.outlets)
