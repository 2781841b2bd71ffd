"""The ingestion flows: discover -> (fetch, extract, store, claims, conflicts) per batch, and
the recheck of recent articles for revisions.

Thin on purpose: each task wraps one library call in ``ingest.pipeline``. Tasks are sized per
source (discovery) and per batch of ``INGEST_BATCH_SIZE`` URLs (everything after discovery),
so that Prefect's per-task cost stays a small share of the run. Per-URL outcomes are kept in
our own tables (``ingest runs show ID``), not as Prefect task runs.

Two batch tasks are in flight at once, so that the worker processes extracting the next
batch never wait for the end of this one's storing; the library keeps their stages in order
(batch k+1 fetches after batch k has fetched, stores after it has stored), so the run stores
exactly what, and in the order, batch after batch would.

(Named ``ingestion`` and not ``ingest``: Prefect loads a deployment's entrypoint file as a
module named after the file, and a module ``ingest`` would shadow the ``ingest`` package.)
"""

from __future__ import annotations

import asyncio

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from ingest import pipeline
from ingest.config import Source, get_settings, load_sources
from ingest.discover import Candidate
from ingest.errors import ConfigError


@task(name="discover-source", cache_policy=NO_CACHE)
async def discover_source(source: Source, run_id: int) -> list[Candidate]:
    return await pipeline.discover(source, get_settings(), run_id=run_id)


@task(name="process-batch", cache_policy=NO_CACHE)
async def process_batch(candidates: list[Candidate], run_id: int, force: bool,
                        recheck: bool = False, batch: int | None = None) -> dict:
    report = await pipeline.process_batch(candidates, get_settings(), run_id=run_id,
                                          force=force, recheck=recheck, batch=batch)
    return {
        "outcomes": dict(report.outcomes),
        "claims": report.claims,
        "review_items": sorted(report.review_items),
    }


#: Batch tasks in flight at once: one storing while the next one fetches and extracts.
BATCHES_IN_FLIGHT = 2


async def _in_batches(candidates: list[Candidate], run_id: int, *, force: bool = False,
                      recheck: bool = False) -> dict:
    """One task per batch of ``INGEST_BATCH_SIZE`` URLs; the run's summary."""
    settings = get_settings()
    size = settings.batch_size
    parts = [candidates[start : start + size] for start in range(0, len(candidates), size)]
    slots = asyncio.Semaphore(BATCHES_IN_FLIGHT)  # FIFO: batches start in their order

    async def one(batch: int, part: list[Candidate]) -> dict:
        async with slots:
            try:
                return await process_batch(part, run_id, force, recheck, batch)
            finally:
                pipeline.end_batch(run_id, batch)  # even if the task never ran

    try:
        results = await asyncio.gather(*(one(i, part) for i, part in enumerate(parts)),
                                       return_exceptions=True)
    finally:
        pipeline.forget_batches(run_id)
    claims, items = 0, set()
    for part in results:
        if isinstance(part, BaseException):
            raise part
        claims += part["claims"]
        items.update(part["review_items"])
    return {
        "run_id": run_id,
        "counts": pipeline.finish_run(settings, run_id=run_id),
        "claims": claims,
        "review_items": sorted(items),
    }


@flow(name="ingest")
async def ingest(
    sources_file: str | None = None,
    sources: list[str] | None = None,
    urls: list[str] | None = None,
    force: bool = False,
    trigger: str = "schedule",
) -> dict:
    """One ingestion pass.

    Args:
        sources_file: the TOML sources file (default: the ``INGEST_SOURCES_FILE`` setting).
        sources: only these source names (default: all).
        urls: ingest these article URLs instead of discovering (a reviewer's tip).
        force: fetch URLs that are already stored (a new version only if the text changed).
        trigger: recorded with the run: schedule, manual, tip, demo.
    """
    settings = get_settings()
    configured = load_sources(sources_file or settings.sources_file) if (
        sources_file or not urls or settings.sources_file.exists()
    ) else ()
    selected = list(configured)
    if sources:
        unknown = sorted(set(sources) - {s.name for s in configured})
        if unknown:
            raise ConfigError(f"unknown source(s): {', '.join(unknown)}")
        selected = [s for s in configured if s.name in sources]

    run_id = pipeline.start_run(
        settings,
        trigger=trigger,
        sources=[s.name for s in selected] if not urls else ["(urls)"],
        flow_run_id=str(flow_run.id) if flow_run.id else None,
    )
    if urls:
        candidates = pipeline.candidates_for_urls(urls, configured)
        force = True
    else:
        found = await asyncio.gather(*(discover_source(s, run_id) for s in selected))
        candidates = pipeline.unique_candidates(c for batch in found for c in batch)

    return await _in_batches(candidates, run_id, force=force)


@flow(name="recheck")
async def recheck(limit: int = 1000, trigger: str = "schedule") -> dict:
    """Fetch recent articles again (conditionally) and store a version when the text changed;
    a figure changed between versions raises a review item of kind ``modified``.

    Args:
        limit: at most this many articles per run, least recently checked first.
        trigger: recorded with the run.
    """
    settings = get_settings()
    run_id = pipeline.start_run(settings, trigger=trigger, sources=["(recheck)"],
                                flow_run_id=str(flow_run.id) if flow_run.id else None)
    candidates = pipeline.due_for_recheck(settings, limit=limit)
    return await _in_batches(candidates, run_id, recheck=True)
