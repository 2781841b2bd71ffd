"""The CPU-bound stages of a page, run in a pool of worker processes.

Extraction (``extract_article``) and claim parsing (``extract_claims``) are pure functions
of the page's content, and they are what an ingestion run spends its CPU on. ``prepare``
runs both (and reads the page's declared canonical URL) for one fetched page;
``ExtractorPool`` runs ``prepare`` in ``INGEST_WORKERS`` processes so that the event loop
keeps fetching and the database keeps storing meanwhile.

What crosses the process boundary is small and plain: the page's text and URLs in, a
``Prepared`` (the extracted article, its storage URL, its claims) or a ``Rejected`` (why the
page has no article) out. Every exception in a worker becomes a ``Rejected``; only the death
of a worker process (a crash in a C extension, the OOM killer) surfaces as
``BrokenProcessPool``. Then the pool is replaced, and each page that was in the dead pool is
prepared again alone, one after the other in a process of their own: the page that kills
that one too is the culprit and comes back ``Rejected`` (``crashed``), the others are
prepared normally.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date, datetime

from ingest import errors
from ingest.claims import Claim, extract_claims
from ingest.extract import ExtractedArticle, extract_article
from ingest.urls import declared_canonical, same_site

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageInput:
    """What the CPU-bound stages need of a fetched page."""

    requested_url: str  # the candidate's (canonical) URL
    final_url: str  # after redirects
    text: str  # the decoded HTML
    min_chars: int
    published_hint: date | None = None  # the feed's date, used when the page states none
    thorough: bool = False  # the extraction effort (``INGEST_EXTRACTION``)


@dataclass(frozen=True, slots=True)
class Prepared:
    extracted: ExtractedArticle
    storage_url: str  # the URL to store it under (its same-site rel=canonical, or ours)
    parsed: bool  # False when the language is not one the claims grammar reads
    claims: tuple[Claim, ...]  # parsed as if this text becomes a new version


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: str  # no_article (no usable text), crashed, internal
    message: str


def prepare(page: PageInput) -> Prepared | Rejected:
    """Pure: extract the article, its storage URL and its claims. Never raises."""
    try:
        extracted = extract_article(page.text, url=page.final_url, min_chars=page.min_chars,
                                    thorough=page.thorough)
    except errors.ExtractionError as exc:
        return Rejected("no_article", str(exc))
    except Exception as exc:  # noqa: BLE001 - one page's extractor bug is that page's failure
        return Rejected("internal", f"extraction: {type(exc).__name__}: {exc}")
    try:
        parsed = claims_language(extracted.language)
        published = extracted.published or page.published_hint
        claims = tuple(extract_claims(extracted.text, title=extracted.title,
                                      published=published)) if parsed else ()
        url = storage_url(page.requested_url, page.text, final_url=page.final_url)
    except Exception as exc:  # noqa: BLE001
        return Rejected("internal", f"claims: {type(exc).__name__}: {exc}")
    return Prepared(extracted, url, parsed, claims)


def claims_language(language: str | None) -> bool:
    """The claims grammar is English: other languages are stored but not parsed for claims."""
    return language is None or language.lower().startswith("en")


def storage_url(url: str, html: str, *, final_url: str) -> str:
    """The URL an article is stored under: the page's rel=canonical URL when it is on the same
    site as the URL we fetched (another site's canonical is not trusted), else ``url``."""
    declared = declared_canonical(html, base_url=final_url)
    if declared and same_site(declared, final_url) and same_site(declared, url):
        return declared
    return url


def hint_date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


class ExtractorPool:
    """``prepare`` (or another picklable function of one ``PageInput``) in ``workers``
    processes; ``workers=0`` runs it in the calling thread (no pool).

    Processes are started with ``spawn`` (a fork of a process running threads, as the flow's
    does, can inherit a held lock) when the first page arrives, and stay for the pool's life.
    """

    def __init__(self, workers: int, *, function: Callable = prepare) -> None:
        self.workers, self.function = workers, function
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._solo: ProcessPoolExecutor | None = None  # suspects of a crash, one at a time
        self._solo_lock = threading.Lock()

    async def run(self, page: PageInput) -> Prepared | Rejected:
        if self.workers == 0:
            return self.function(page)
        for _attempt in range(3):
            executor = self._current()
            try:
                future = executor.submit(self.function, page)
                break
            except (BrokenProcessPool, RuntimeError):  # broken (or replaced) meanwhile
                self._replace(executor)
        else:
            return await self._alone(page)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._replace(executor)
        # a worker died while this page was in the pool: this page, or another one, killed
        # it; try this page again in a process of its own
        return await self._alone(page)

    async def _alone(self, page: PageInput) -> Prepared | Rejected:
        """``page`` in a process where nothing else runs, one suspect at a time: if that
        process dies, this page killed it."""
        while not self._solo_lock.acquire(blocking=False):  # a thread lock: any event loop
            await asyncio.sleep(0.05)
        try:
            if self._solo is None:
                self._solo = _new_executor(1)
            try:
                return await asyncio.wrap_future(self._solo.submit(self.function, page))
            except BrokenProcessPool:
                self._solo.shutdown(wait=False, cancel_futures=True)
                self._solo = None
                log.error("the extracting process died on %s", page.requested_url)
                return Rejected("crashed", "the extracting process died on this page "
                                "(a crash in the parser?)")
        finally:
            self._solo_lock.release()

    def _current(self) -> Executor:
        with self._lock:
            if self._executor is None:
                self._executor = _new_executor(self.workers)
            return self._executor

    def _replace(self, broken: Executor) -> None:
        with self._lock:
            if self._executor is broken:
                broken.shutdown(wait=False, cancel_futures=True)
                self._executor = None

    def shutdown(self) -> None:
        with self._lock:
            for executor in (self._executor, self._solo):
                if executor is not None:
                    executor.shutdown(wait=True, cancel_futures=True)
            self._executor = self._solo = None


def _new_executor(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_watch_parent, initargs=(os.getpid(),))


def _watch_parent(parent: int) -> None:
    """In a worker: exit when the process that started it is gone (killed with SIGKILL,
    say), instead of waiting for work forever."""

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(0)
            threading.Event().wait(1.0)

    threading.Thread(target=watch, daemon=True, name="watch-parent").start()


_shared: dict[int, ExtractorPool] = {}
_shared_lock = threading.Lock()


def shared_pool(workers: int) -> ExtractorPool:
    """The process's pool of ``workers`` processes, started once and kept for every batch."""
    with _shared_lock:
        pool = _shared.get(workers)
        if pool is None:
            pool = _shared[workers] = ExtractorPool(workers)
        return pool
