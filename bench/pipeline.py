"""End-to-end ingestion throughput against bare extraction, on real pages served locally.

    .venv/bin/python bench/pipeline.py [CORPUS_ROOT] [--repeat 10] [--workers CORES] [--limit N]
                                       [--only aeb|fakes] [--skip-bare] [--batch-size N]
                                       [--extraction standard|thorough]

CORPUS_ROOT (default ``../shared/corpora`` next to the repository) holds
``article-extraction-benchmark/`` (181 real pages, ``html/<id>.html.gz``) and
``fa-kes/FA-KES-Dataset.csv`` (804 articles, rendered here as simple article pages). Either
may be missing; with neither, the benchmark says so and exits (status 0).

What it does, in one run:

1. Serves the pages from a subprocess on 127.0.0.1 (so the server's memory and CPU are not
   counted as the pipeline's, though it shares the machine's cores): each benchmark page under
   ``--repeat`` distinct URLs ``/aeb<k>/<id>.html``, one outlet and one RSS feed per variant
   ``k`` (so each copy is stored as a syndicated copy, with its claims and conflict check,
   not skipped as a duplicate); each FA-KES article once, one outlet and feed per FA-KES
   outlet. The benchmark pages declare ``<link rel="canonical">`` URLs of their original
   sites; the served copy renames that ``rel`` to ``x-original-canonical`` (and adds a
   ``bench-variant`` meta tag), so nothing can fold the variants into one URL. The bench
   checks that every URL stays distinct after ``ingest.urls.canonical_url``.
2. Runs the real ``ingest`` flow (``ingest.runner.run_flow``, as ``ingest run`` does) into a
   fresh SQLite database in a temporary directory, with ``INGEST_WORKERS`` = ``--workers``.
   Prefect's temporary server is started first by a trivial flow and timed on its own: its
   start-up is reported apart from the steady state.
3. Times bare ``trafilatura.extract(html, url=...)`` over the same served bytes in a
   ``multiprocessing`` pool of the same number of processes (``spawn``, as the pipeline's).
4. Times the pipeline's own CPU-bound stages alone (``ingest.workers.prepare``:
   ``extract_article``, claim parsing, the declared canonical URL) the same way: no fetching,
   storing or orchestration, so the most the pipeline could reach on this machine.

Figures: wall time and pages per second of each; CPU milliseconds per page (the pipeline's:
the ingesting process and its workers; the pools': their workers), which the machine's other
load disturbs less than wall time; their ratios.

Extraction quality: after the run, the text stored for every benchmark page's URLs is scored
against the page's true body with the benchmark's own metric (``ingest.evaluate_extraction``),
beside bare ``trafilatura.extract`` of the same served bytes; ``--extraction thorough``
runs the pipeline (and our stages alone) with ``INGEST_EXTRACTION=thorough``.

Orchestration share: the library calls the flow makes (``pipeline.discover`` and
``pipeline.process_batch``) are wrapped and their intervals recorded; the flow's wall time not
covered by any of them is orchestration: Prefect's flow and task engine (task runs created,
state changes sent to the server) plus our own run bookkeeping (``start_run``,
``finish_run``, timed separately). The Prefect server's CPU time (a separate process) and the
per-URL outcome rows written inside ``process_batch`` are reported, not counted in the share.

Memory and CPU: a sampler thread reads ``/proc`` every 0.25 s and keeps the peak of the summed
resident memory of the ingesting process and its pool workers (the site server and Prefect's
server are reported apart), the CPU time of every process and of this process's threads (its
own CPU is left out of the ingest process's), plus ``getrusage`` figures as a cross-check.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import json
import multiprocessing
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
AEB = "article-extraction-benchmark"
FAKES = "fa-kes/FA-KES-Dataset.csv"
_CANONICAL_REL = re.compile(rb"""(<link\b[^>]*\brel\s*=\s*["']?)canonical\b""", re.I)
_HEAD = re.compile(rb"<head\b[^>]*>", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


# -- the corpus and the served pages ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """One served article URL: ``kind`` aeb (benchmark page ``key`` under variant ``variant``)
    or fakes (FA-KES row number ``key``)."""

    kind: str
    key: str
    variant: int
    outlet: str

    @property
    def path(self) -> str:
        return f"/{self.outlet}/{self.key}.html"


class Corpus:
    """The pages of the corpus root; renders one page at a time (nothing is held rendered)."""

    def __init__(self, root: Path, *, repeat: int, limit: int | None,
                 only: str | None = None) -> None:
        self.root, self.repeat = root, repeat
        self.aeb_ids: list[str] = []
        self.fakes: list[dict] = []
        self.missing: list[str] = []
        truth = root / AEB / "ground-truth.json"
        if truth.exists():
            ids = sorted(json.loads(truth.read_text(encoding="utf-8")))
            self.aeb_ids = [i for i in ids if (root / AEB / "html" / f"{i}.html.gz").exists()]
        else:
            self.missing.append(str(root / AEB))
        csv_path = root / FAKES
        if csv_path.exists():
            csv.field_size_limit(10**9)
            with csv_path.open(encoding="utf-8", errors="replace", newline="") as handle:
                self.fakes = [
                    {k: row[k] for k in ("article_title", "article_content", "source", "date")}
                    for row in csv.DictReader(handle)
                ]
        else:
            self.missing.append(str(csv_path))
        if limit is not None:
            self.aeb_ids, self.fakes = self.aeb_ids[:limit], self.fakes[:limit]
        if only == "aeb":
            self.fakes = []
        elif only == "fakes":
            self.aeb_ids = []

    def pages(self) -> Iterator[Page]:
        for variant in range(self.repeat):
            for key in self.aeb_ids:
                yield Page("aeb", key, variant, f"aeb{variant}")
        for row, item in enumerate(self.fakes):
            yield Page("fakes", str(row), 0, f"fakes-{_slug(item['source'])}")

    def count(self) -> int:
        return len(self.aeb_ids) * self.repeat + len(self.fakes)

    def outlets(self) -> dict[str, list[Page]]:
        by_outlet: dict[str, list[Page]] = {}
        for page in self.pages():
            by_outlet.setdefault(page.outlet, []).append(page)
        return by_outlet

    def render(self, page: Page) -> bytes:
        """The served bytes of ``page`` (the same for the pipeline and for bare extraction)."""
        if page.kind == "aeb":
            raw = gzip.decompress((self.root / AEB / "html" / f"{page.key}.html.gz").read_bytes())
            raw = _CANONICAL_REL.sub(rb"\1x-original-canonical", raw)
            marker = f'<meta name="bench-variant" content="{page.variant}">'.encode()
            head = _HEAD.search(raw)
            at = head.end() if head else 0
            return raw[:at] + marker + raw[at:]
        return render_fakes(self.fakes[int(page.key)]).encode("utf-8")

    def published(self, page: Page) -> date | None:
        if page.kind != "fakes":
            return None
        return _fakes_date(self.fakes[int(page.key)]["date"])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def _fakes_date(value: str) -> date | None:
    try:
        month, day, year = (int(part) for part in value.split("/"))
        return date(year, month, day)
    except ValueError:
        return None


def render_fakes(row: dict) -> str:
    """A FA-KES article as a plain news page: headline, date, three sentences a paragraph."""
    title = html.escape(row["article_title"].strip())
    when = _fakes_date(row["date"])
    iso = when.isoformat() if when else ""
    sentences = _SENTENCE.split(row["article_content"].strip())
    paragraphs = "\n".join(
        f"<p>{html.escape(' '.join(sentences[i : i + 3]))}</p>"
        for i in range(0, len(sentences), 3)
    )
    outlet = html.escape(row["source"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{iso}T12:00:00+00:00">
</head><body>
<header><nav><a href="/">Home</a> | <a href="/feeds/fakes-{_slug(row["source"])}.xml">RSS</a></nav></header>
<main><article><h1>{title}</h1><time datetime="{iso}">{iso}</time>
{paragraphs}
</article></main>
<footer><p>FA-KES article (Salem et al., 2019), served locally for a benchmark.</p></footer>
</body></html>"""


def render_feed(corpus: Corpus, outlet: str, pages: list[Page], base_url: str) -> bytes:
    items = []
    for page in pages:
        url = f"{base_url}{page.path}"
        published = corpus.published(page)
        when = (f"<pubDate>{format_datetime(_noon(published))}</pubDate>" if published else "")
        items.append(f"<item><title>{page.key}</title><link>{url}</link>"
                     f"<guid>{url}</guid>{when}</item>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{outlet}</title><link>{base_url}/{outlet}/</link>"
            f"<description>bench</description>{''.join(items)}</channel></rss>").encode()


def _noon(day: date):
    from datetime import UTC, datetime

    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


# -- the site server (a subprocess) ---------------------------------------------------------


def serve(root: Path, repeat: int, limit: int | None) -> None:
    """Serve the corpus on 127.0.0.1 until stdin closes; print the base URL first."""
    corpus = Corpus(root, repeat=repeat, limit=limit)
    outlets = corpus.outlets()
    by_path = {page.path: page for pages in outlets.values() for page in pages}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?")[0]
            status, kind, body = 404, "text/plain", b"not found"
            if path.startswith("/feeds/") and path.endswith(".xml"):
                outlet = path.removeprefix("/feeds/").removesuffix(".xml")
                if outlet in outlets:
                    status, kind = 200, "application/rss+xml"
                    body = render_feed(corpus, outlet, outlets[outlet], base_url)
            elif path in by_path:
                status, kind, body = 200, "text/html; charset=utf-8", corpus.render(by_path[path])
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

        def handle_error(self, request, client_address) -> None:
            pass  # a client closing its kept-alive connection is no news

    server = Server(("127.0.0.1", 0), Handler)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(base_url, flush=True)
    sys.stdin.read()  # until the bench closes our stdin (or exits)
    server.shutdown()


# -- measuring: processes, memory, CPU --------------------------------------------------------


PREFECT_THREADS = {"GlobalEventLoopThread", "EventsWorkerThread", "APILogWorkerThread",
                   "RunTelemetryThread"}
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def _descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _proc(pid: int) -> tuple[int, float, str] | None:
    """(resident bytes, CPU seconds, command line) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            rss = int(handle.read().split()[1]) * PAGE
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            cmd = handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return rss, (int(fields[11]) + int(fields[12])) / TICKS, cmd


class Sampler:
    """Every ``every`` seconds: resident memory and CPU time of this process and every
    descendant, grouped by role (ingest = this process + pool workers; prefect; site)."""

    def __init__(self, *, site_pid: int | None = None, every: float = 0.25) -> None:
        self.site_pid, self.every = site_pid, every
        self.peak: dict[str, int] = {}
        self.cpu: dict[int, tuple[str, float]] = {}
        self.series: list[tuple[float, int]] = []  # (time, ingest process + pool workers)
        self.threads: dict[int, tuple[str, float]] = {}  # this process's threads: name, CPU
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="bench-sampler")

    def role(self, pid: int, cmd: str) -> str:
        if pid == os.getpid():
            return "ingest"
        if pid == self.site_pid:
            return "site"
        if "prefect" in cmd or "uvicorn" in cmd:
            return "prefect"
        return "pool"  # pool workers, multiprocessing's resource tracker

    def sample(self) -> None:
        totals: dict[str, int] = {"ingest+pool": 0}
        for pid in [os.getpid(), *_descendants(os.getpid())]:
            seen = _proc(pid)
            if seen is None:
                continue
            rss, cpu, cmd = seen
            role = self.role(pid, cmd)
            totals[role] = totals.get(role, 0) + rss
            if role in ("ingest", "pool"):
                totals["ingest+pool"] += rss
            self.cpu[pid] = (role, cpu)
        for role, total in totals.items():
            self.peak[role] = max(self.peak.get(role, 0), total)
        self.series.append((time.perf_counter(), totals["ingest+pool"]))
        names = {thread.native_id: thread.name for thread in threading.enumerate()}
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            name = names.get(int(tid)) or self.threads.get(int(tid), ("?", 0))[0]
            self.threads[int(tid)] = (name, (int(fields[11]) + int(fields[12])) / TICKS)

    def thread_cpu(self, since: dict[int, tuple[str, float]]) -> dict[str, float]:
        """CPU seconds of this process's threads since ``since``, by what they do."""
        out: dict[str, float] = {}
        for tid, (name, cpu) in self.threads.items():
            if name == "bench-sampler":
                kind = "sampler"  # the bench's own; not counted as the ingest process's
            elif name == "MainThread":
                kind = "event loop"
            elif name.startswith("asyncio_"):
                kind = "storing"
            elif name in PREFECT_THREADS:
                kind = "Prefect"
            else:
                kind = "other"
            out[kind] = out.get(kind, 0.0) + cpu - since.get(tid, (name, 0.0))[1]
        return out

    def quarters(self, start: float, end: float) -> list[int]:
        """The peak of ingest process + pool workers in each quarter of [start, end]."""
        step = (end - start) / 4
        return [max((rss for t, rss in self.series if start + i * step <= t <= start + (i + 1) * step),
                    default=0) for i in range(4)]

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def __enter__(self) -> Sampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def cpu_by_role(self, since: dict[int, tuple[str, float]] | None = None) -> dict[str, float]:
        since = since or {}
        out: dict[str, float] = {}
        for pid, (role, cpu) in self.cpu.items():
            out[role] = out.get(role, 0.0) + cpu - since.get(pid, (role, 0.0))[1]
        return out


# -- the pipeline run -----------------------------------------------------------------------


class Timeline:
    """Intervals of the library calls the flow makes, to tell data-path time from the rest."""

    def __init__(self) -> None:
        self.work: list[tuple[float, float]] = []
        self.bookkeeping = 0.0

    def wrap(self) -> None:
        from ingest import pipeline

        for name in ("discover", "process_batch"):
            setattr(pipeline, name, self._async(getattr(pipeline, name)))
        for name in ("start_run", "finish_run"):
            setattr(pipeline, name, self._sync(getattr(pipeline, name)))

    def _async(self, function):
        async def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                self.work.append((started, time.perf_counter()))

        return timed

    def _sync(self, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.bookkeeping += time.perf_counter() - started

        return timed

    def covered(self, start: float, end: float) -> float:
        """Seconds of [start, end] during which at least one data-path call was running."""
        total, reach = 0.0, start
        for begin, finish in sorted(self.work):
            begin, finish = max(begin, reach), min(finish, end)
            if finish > begin:
                total += finish - begin
                reach = finish
        return total


def run_pipeline(corpus: Corpus, base_url: str, workdir: Path, args, sampler: Sampler) -> dict:
    sources = workdir / "sources.toml"
    sources.write_text("".join(
        f'[[sources]]\nname = "{outlet}"\nfeeds = ["{base_url}/feeds/{outlet}.xml"]\n\n'
        for outlet in corpus.outlets()
    ))
    os.environ.update({
        "INGEST_DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'bench.db'}",
        "INGEST_SOURCES_FILE": str(sources),
        "INGEST_HOST_MIN_INTERVAL": "0",  # one local host stands for every outlet
        "INGEST_HOST_CONCURRENCY": str(args.host_concurrency),
        "INGEST_ALLOW_PRIVATE_NETWORKS": "true",
        "INGEST_WORKERS": str(args.workers),
    })
    if args.batch_size:
        os.environ["INGEST_BATCH_SIZE"] = str(args.batch_size)
    if args.extraction:
        os.environ["INGEST_EXTRACTION"] = args.extraction

    from ingest import runner

    mode = runner.prepare_prefect()
    from prefect import flow

    @flow(name="bench-warm-up")
    def warm_up() -> int:
        return 1

    started = time.perf_counter()
    warm_up()
    prefect_start = time.perf_counter() - started

    from ingest.config import get_settings
    from ingest.db import get_engine

    get_engine(get_settings().database_url)  # the schema, created before the clock starts
    timeline = Timeline()
    timeline.wrap()
    sampler.sample()
    cpu_before, threads_before = dict(sampler.cpu), dict(sampler.threads)
    started = time.perf_counter()
    summary = runner.run_flow("ingest", trigger="bench")
    ended = time.perf_counter()
    sampler.sample()
    seconds = ended - started
    cpu, threads = sampler.cpu_by_role(cpu_before), sampler.thread_cpu(threads_before)
    cpu["ingest"] -= threads.get("sampler", 0.0)
    return {
        "quarters": sampler.quarters(started, ended),
        "summary": summary,
        "seconds": seconds,
        "prefect_start": prefect_start,
        "prefect_mode": mode.describe(),
        "data_path": timeline.covered(started, ended),
        "bookkeeping": timeline.bookkeeping,
        "cpu": cpu,
        "threads": threads,
    }


# -- extraction quality of what the pipeline stored ----------------------------------------


def stored_quality(corpus: Corpus, base_url: str) -> dict | None:
    """The benchmark's own metric (``ingest.evaluate_extraction``) over the text the run
    stored for each benchmark page: every variant URL scored against the page's true body
    (a page stored under no URL scores zero); ``bare``, for comparison, is plain
    ``trafilatura.extract`` of the same served bytes (variant 0)."""
    if not corpus.aeb_ids:
        return None
    import trafilatura
    from sqlmodel import select

    from ingest.config import get_settings
    from ingest.db import session_scope
    from ingest.evaluate_extraction import aggregate, score_page
    from ingest.models import Article, ArticleVersion

    truth = json.loads((corpus.root / AEB / "ground-truth.json").read_text(encoding="utf-8"))
    with session_scope(get_settings().database_url) as session:
        stored = dict(session.exec(
            select(Article.url, ArticleVersion.text)
            .join(ArticleVersion, (ArticleVersion.article_id == Article.id)
                  & (ArticleVersion.version == Article.latest_version))
            .where(Article.url.like(f"{base_url}/aeb%"))
        ).all())
    scores, bare, texts = [], [], {}
    for page in corpus.pages():
        if page.kind != "aeb":
            continue
        expected = truth[page.key]["articleBody"]
        text = stored.get(f"{base_url}{page.path}")
        scores.append(score_page(expected, text))
        texts.setdefault(page.key, set()).add(text)
        if page.variant == 0:
            html_text = corpus.render(page).decode("utf-8", errors="replace")
            bare.append(score_page(expected, trafilatura.extract(
                html_text, url=f"{base_url}{page.path}")))
    return {
        "stored": aggregate(scores),
        "bare": aggregate(bare),
        "missing": sum(1 for page_texts in texts.values() if None in page_texts),
        "differing": sum(1 for page_texts in texts.values() if len(page_texts) > 1),
        "pages": len(texts),
    }


# -- bare extraction, and our CPU-bound stages alone ---------------------------------------


_WORKER_CORPUS: Corpus | None = None
_WORKER_BASE = ""


def _pool_init(root: str, repeat: int, limit: int | None, base_url: str) -> None:
    global _WORKER_CORPUS, _WORKER_BASE
    import trafilatura  # noqa: F401 - imported once per process, as in the pipeline's pool

    _WORKER_CORPUS = Corpus(Path(root), repeat=repeat, limit=limit)
    _WORKER_BASE = base_url


def _bare_one(page: Page) -> int:
    """What the target compares with: trafilatura's plain extraction of the served page."""
    import trafilatura

    raw = _WORKER_CORPUS.render(page)
    text = trafilatura.extract(raw.decode("utf-8", errors="replace"),
                               url=f"{_WORKER_BASE}{page.path}")
    return 1 if text else 0


def _stages_one(page: Page) -> int:
    """The pipeline's CPU-bound work for one page (extract_article, claims, canonical URL),
    without fetching, storing or orchestration: the most the pipeline could reach."""
    from ingest.workers import PageInput, Prepared, prepare

    url = f"{_WORKER_BASE}{page.path}"
    raw = _WORKER_CORPUS.render(page)
    published = _WORKER_CORPUS.published(page)
    result = prepare(PageInput(requested_url=url, final_url=url,
                               text=raw.decode("utf-8", errors="replace"), min_chars=200,
                               published_hint=published,
                               thorough=os.environ.get("INGEST_EXTRACTION") == "thorough"))
    return 1 if isinstance(result, Prepared) else 0


def run_pool(corpus: Corpus, base_url: str, args, function) -> dict:
    """``function`` over every page in a pool of ``--workers`` processes; wall and CPU time
    (the workers' CPU, from getrusage once they have exited)."""
    context = multiprocessing.get_context("spawn")  # as the pipeline's pool
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    pool = context.Pool(args.workers, initializer=_pool_init,
                        initargs=(str(corpus.root), corpus.repeat, args.limit, base_url))
    try:
        done = sum(pool.imap_unordered(function, corpus.pages(), chunksize=4))
        pool.close()
        pool.join()
    finally:
        pool.terminate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "done": done, "cpu": cpu, "maxrss": after.ru_maxrss * 1024}


# -- main -------------------------------------------------------------------------------------


def _mb(value: float) -> str:
    return f"{value / 1e6:,.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPORA,
                        help=f"corpus root (default {DEFAULT_CORPORA})")
    parser.add_argument("--repeat", type=int, default=10,
                        help="distinct URLs (and outlets) per benchmark page (default 10)")
    cores = len(os.sched_getaffinity(0))
    parser.add_argument("--workers", type=int, default=cores,
                        help="processes extracting, in the pipeline (INGEST_WORKERS) and in the "
                        f"baselines (default: the number of cores, {cores})")
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N pages of each corpus")
    parser.add_argument("--only", choices=("aeb", "fakes"), default=None,
                        help="only the benchmark pages, or only the FA-KES articles")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="INGEST_BATCH_SIZE for the run (default: the setting's default)")
    parser.add_argument("--host-concurrency", type=int, default=8,
                        help="INGEST_HOST_CONCURRENCY: requests at once to the one local host")
    parser.add_argument("--extraction", choices=("standard", "thorough"), default=None,
                        help="INGEST_EXTRACTION for the run and for our stages alone "
                        "(default: the setting's default, standard)")
    parser.add_argument("--database-url", default=None,
                        help="an empty database instead of a fresh SQLite file")
    parser.add_argument("--skip-bare", action="store_true",
                        help="time the pipeline only (neither bare extraction nor our stages)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        serve(args.corpus, args.repeat, args.limit)
        return 0

    corpus = Corpus(args.corpus, repeat=args.repeat, limit=args.limit, only=args.only)
    if not corpus.count():
        print(f"corpus not found under {args.corpus} (looked for {', '.join(corpus.missing)});"
              " pass the corpus root as the first argument. Nothing to measure.")
        return 0
    for missing in corpus.missing:
        print(f"note: {missing} not found; measuring without it")

    site = subprocess.Popen(
        [sys.executable, __file__, str(args.corpus), "--serve", "--repeat", str(args.repeat),
         *(["--limit", str(args.limit)] if args.limit is not None else [])],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        base_url = site.stdout.readline().strip()
        from ingest.urls import canonical_url

        urls = [f"{base_url}{page.path}" for page in corpus.pages()]
        distinct = {canonical_url(url) for url in urls}
        assert len(distinct) == len(urls), "variant URLs collapse after canonicalisation"
        del urls, distinct
        print(f"pages: {corpus.count():,} ({len(corpus.aeb_ids)} benchmark pages x "
              f"{args.repeat} URLs + {len(corpus.fakes)} FA-KES articles), "
              f"{len(corpus.outlets())} feeds, served from {base_url}; "
              f"workers: {args.workers}; cores: {os.cpu_count()}; "
              f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        with tempfile.TemporaryDirectory(prefix="ingest-bench-") as workdir:
            with Sampler(site_pid=site.pid) as sampler:
                ingest = run_pipeline(corpus, base_url, Path(workdir), args, sampler)
            ingest_peak = dict(sampler.peak)
            quality = stored_quality(corpus, base_url)
            self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        baselines = {}
        if not args.skip_bare:
            for name, function in (("bare trafilatura.extract", _bare_one),
                                   ("our CPU stages alone", _stages_one)):
                with Sampler(site_pid=site.pid) as pool_sampler:
                    baselines[name] = run_pool(corpus, base_url, args, function)
                baselines[name]["peak"] = pool_sampler.peak.get("pool", 0)
    finally:
        site.stdin.close()
        site.wait(timeout=10)

    summary, seconds = ingest["summary"], ingest["seconds"]
    counts = summary["counts"]
    pages = sum(counts.get(k, 0) for k in ("stored", "unchanged", "skipped", "failed"))
    cpu = ingest["cpu"]
    ours = cpu.get("ingest", 0.0) + cpu.get("pool", 0.0)
    print(f"Prefect: {ingest['prefect_mode']}; temporary server start-up "
          f"{ingest['prefect_start']:.1f} s (a trivial flow run first; not counted below)")
    print()
    print(f"{'':28}{'wall s':>8}{'pages/s':>9}{'CPU ms/page':>13}   peak memory")
    print(f"{'pipeline (ingest flow)':28}{seconds:8.1f}{pages / seconds:9.1f}"
          f"{ours / pages * 1000:13.1f}   {_mb(ingest_peak['ingest+pool'])} "
          f"(process + {args.workers} workers)")
    for name, result in baselines.items():
        print(f"{name:28}{result['seconds']:8.1f}{corpus.count() / result['seconds']:9.1f}"
              f"{result['cpu'] / corpus.count() * 1000:13.1f}   {_mb(result['peak'])} "
              f"({args.workers} workers)")
    print()
    if baselines:
        bare = baselines["bare trafilatura.extract"]
        stages = baselines["our CPU stages alone"]
        print(f"ratio pipeline / bare: {pages / seconds / (corpus.count() / bare['seconds']):.2f}"
              f" in pages/s, {bare['cpu'] / corpus.count() / (ours / pages):.2f} in CPU per page"
              f"; our CPU stages alone / bare: {bare['seconds'] / stages['seconds']:.2f} "
              "(the most the pipeline could reach)")
    print(f"pipeline: {counts.get('stored', 0):,} stored, {counts.get('unchanged', 0)} "
          f"unchanged, {counts.get('skipped', 0)} skipped, {counts.get('failed', 0)} failed; "
          f"{summary['claims']:,} claims, {len(summary['review_items']):,} review items")
    orchestration = seconds - ingest["data_path"]
    print(f"orchestration: {orchestration:.1f} s = {orchestration / seconds:.1%} of the run's "
          f"wall time (Prefect's flow and task engine, and our start_run + finish_run: "
          f"{ingest['bookkeeping']:.2f} s)")
    threads = ingest["threads"]
    print(f"CPU during the run: ingest process {cpu.get('ingest', 0.0):.1f} s (event loop "
          f"{threads.get('event loop', 0.0):.1f} s: fetching, and Prefect's task engine; "
          f"storing {threads.get('storing', 0.0):.1f} s; Prefect's client threads "
          f"{threads.get('Prefect', 0.0):.1f} s; other {threads.get('other', 0.0):.1f} s), "
          f"its workers {cpu.get('pool', 0.0):.1f} s (extraction, claims), Prefect server "
          f"{cpu.get('prefect', 0.0):.1f} s, site server {cpu.get('site', 0.0):.1f} s; "
          f"{seconds * (os.cpu_count() or 1):.0f} core-seconds elapsed")
    if quality:
        got, bare = quality["stored"], quality["bare"]
        print(f"extraction quality of the stored text ({quality['pages']} benchmark pages x "
              f"{corpus.repeat} URLs, the benchmark's metric): P {got.precision:.3f} / "
              f"R {got.recall:.3f} / F1 {got.f1:.3f}; bare trafilatura.extract of the same "
              f"pages: F1 {bare.f1:.3f}; pages stored under no URL: {quality['missing']}, "
              f"with different text under different URLs: {quality['differing']}")
    print("peak memory of the ingest process + workers in each quarter of the run: "
          + " / ".join(_mb(q) for q in ingest["quarters"]))
    print(f"peak memory: ingest process alone {_mb(self_peak)} (getrusage), Prefect server "
          f"{_mb(ingest_peak.get('prefect', 0))}, site server {_mb(ingest_peak.get('site', 0))}")
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
