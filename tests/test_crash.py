"""A run killed with SIGKILL mid-way leaves the database consistent, and the next run finishes
the work without duplicates (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from ingest import pipeline
from ingest.config import Settings, parse_sources
from ingest.db import get_engine, session_scope
from ingest.models import Article, Run
from tests.busy_site import BusySite, assert_stored_once

# the run to kill: every source of the sources file, one batch per source (as the flow does);
# optionally stops inside the transaction storing the Nth article, after its claims are
# written and before they are flagged and committed
WORKER = """
import asyncio, pathlib, sys, time
from ingest import pipeline, review
from ingest.config import Settings, parse_sources

url, sources, marker, pause_at = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), int(sys.argv[4])
settings = Settings(database_url=url, host_min_interval=0, min_text_chars=100,
                    allow_private_networks=True, total_timeout=120, read_timeout=120)
calls, flag = 0, review.flag_conflicts

def paused(**kwargs):
    global calls
    calls += 1
    if calls == pause_at:
        marker.write_text("in transaction")
        time.sleep(120)
    return flag(**kwargs)

review.flag_conflicts = paused

async def main():
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    for source in parse_sources(pathlib.Path(sources).read_text()):
        candidates = await pipeline.discover(source, settings, run_id=run_id)
        await pipeline.process_batch(candidates, settings, run_id=run_id)
    pipeline.finish_run(settings, run_id=run_id)

asyncio.run(main())
"""


def _spawn(url: str, sources: Path, marker: Path, pause_at: int) -> subprocess.Popen:
    get_engine(url)  # the schema exists before the worker starts
    return subprocess.Popen([sys.executable, "-c", WORKER, url, str(sources), str(marker),
                             str(pause_at)], cwd=Path(__file__).parent.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(condition, worker: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker ended early: {worker.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            worker.kill()
            pytest.fail("the worker never reached the point where it is killed")
        time.sleep(0.05)


def _kill(worker: subprocess.Popen) -> None:
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL


def _rerun(url: str, sources: str) -> Counter:
    import asyncio

    settings = Settings(database_url=url, host_min_interval=0, min_text_chars=100,
                        allow_private_networks=True)

    async def run() -> Counter:
        run_id = pipeline.start_run(settings, trigger="test", sources=[])
        outcomes = Counter()
        for source in parse_sources(sources):
            candidates = await pipeline.discover(source, settings, run_id=run_id)
            report = await pipeline.process_batch(candidates, settings, run_id=run_id)
            outcomes.update(report.outcomes)
        pipeline.finish_run(settings, run_id=run_id)
        return outcomes

    return asyncio.run(run())


def _stored_urls(url: str) -> set[str]:
    with session_scope(url) as session:
        return set(session.exec(select(Article.url)))


def _check_sqlite_integrity(url: str) -> None:
    if url.startswith("sqlite"):
        with get_engine(url).connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_killed_inside_a_transaction(any_db_url, tmp_path):
    """Killed while storing the 5th article (its rows written, not committed)."""
    with BusySite(outlets=4) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(site.busy_toml())
        marker = tmp_path / "in-transaction"
        worker = _spawn(any_db_url, sources, marker, pause_at=5)
        _wait(marker.exists, worker)
        _kill(worker)

        # the 5th is rolled back, and with it the 4th when both were stored in one
        # transaction (articles that are ready together are stored together)
        stored = _stored_urls(any_db_url)
        assert set(site.urls("o0")) <= stored <= set(site.urls("o0")) | {site.urls("o1")[0]}
        _check_sqlite_integrity(any_db_url)

        outcomes = _rerun(any_db_url, site.busy_toml())
        assert outcomes == {"skipped": len(stored), "stored": 12 - len(stored)}
        assert_stored_once(any_db_url, site, site.outlets)
        _check_sqlite_integrity(any_db_url)
    with session_scope(any_db_url) as session:
        runs = session.exec(select(Run).order_by(Run.id)).all()
        assert [run.finished_at is not None for run in runs] == [False, True]


def test_killed_while_a_page_is_slow(tmp_path):
    """Killed while waiting for a slow page of the third source: two sources stored, and
    the page before the slow one in the third (pages are stored as they come, in order)."""
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    with BusySite(outlets=4, slow=("o2/kharkiv.html",), slow_seconds=60) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(site.busy_toml())
        worker = _spawn(url, sources, tmp_path / "unused", pause_at=0)
        _wait(site.slow_requested.is_set, worker)
        _kill(worker)
        stored = _stored_urls(url)
        two = set(site.urls("o0")) | set(site.urls("o1"))
        assert two <= stored <= two | {site.urls("o2")[0]}
        site.slow = set()
        assert _rerun(url, site.busy_toml()) == {"skipped": len(stored),
                                                 "stored": 12 - len(stored)}
        assert_stored_once(url, site, site.outlets)
        _check_sqlite_integrity(url)
