"""The ingestion flow: discover -> (fetch, extract, store, claims, conflicts) per batch.

Thin on purpose: each task wraps one library call in ``ingest.pipeline``. Tasks are sized per
source (discovery) and per batch of ``INGEST_BATCH_SIZE`` URLs (everything after discovery),
so that Prefect's per-task cost stays a small share of the run. Per-URL outcomes are kept in
our own tables (``ingest runs show ID``), not as Prefect task runs.
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
async def process_batch(candidates: list[Candidate], run_id: int, force: bool) -> dict:
    report = await pipeline.process_batch(candidates, get_settings(), run_id=run_id, force=force)
    return {
        "outcomes": dict(report.outcomes),
        "claims": report.claims,
        "review_items": sorted(report.review_items),
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

    size = settings.batch_size
    summary = {"outcomes": {}, "claims": 0, "review_items": []}
    for start in range(0, len(candidates), size):
        part = await process_batch(candidates[start : start + size], run_id, force)
        for key, count in part["outcomes"].items():
            summary["outcomes"][key] = summary["outcomes"].get(key, 0) + count
        summary["claims"] += part["claims"]
        summary["review_items"] += part["review_items"]
    counts = pipeline.finish_run(settings, run_id=run_id)
    return {
        "run_id": run_id,
        "counts": counts,
        "claims": summary["claims"],
        "review_items": sorted(set(summary["review_items"])),
    }
