"""The ``ingest`` command: a thin layer over the library.

Library errors become a one-line message on stderr and a non-zero exit code here, and only
here: 2 for unusable input (bad config, bad arguments), 1 for a refused review action.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated

import typer

from ingest import errors

app = typer.Typer(
    help="News ingestion and figure verification: feeds -> articles -> figure claims -> "
    "conflicts -> review queue.",
    no_args_is_help=True,
    add_completion=False,
)
review_app = typer.Typer(help="Work the review queue of flagged figures.", no_args_is_help=True)
claims_app = typer.Typer(help="Figure claims without a database.", no_args_is_help=True)
runs_app = typer.Typer(help="Ingestion runs and what happened to each URL.",
                       no_args_is_help=True)
app.add_typer(review_app, name="review")
app.add_typer(claims_app, name="claims")
users_app = typer.Typer(help="Reviewer accounts of the web workspace.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")
app.add_typer(users_app, name="users")
db_app = typer.Typer(help="The database schema: its revision and migrations.",
                     no_args_is_help=True)
app.add_typer(db_app, name="db")


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def edge(func):
    """Turn library errors into clean messages and exit codes."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except errors.ConfigError as exc:
            _fail(str(exc), 2)
        except errors.ReviewError as exc:
            _fail(str(exc), 1)
        except errors.AccountError as exc:
            _fail(str(exc), 1)
        except errors.IngestError as exc:
            _fail(str(exc), 1)

    return wrapper


def _settings():
    from ingest.config import get_settings

    return get_settings()


def _session():
    from ingest.db import session_scope

    return session_scope(_settings().database_url)


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL (overrides INGEST_DATABASE_URL).",
                     show_default=False),
    ] = None,
) -> None:
    if db:
        os.environ["INGEST_DATABASE_URL"] = db


# -- ingestion ------------------------------------------------------------------------------


def _run_flow(*, flow: str = "ingest", **parameters) -> dict:
    from ingest import runner

    mode = runner.prepare_prefect()
    started = time.monotonic()
    summary = runner.run_flow(flow, **parameters)
    summary["seconds"] = round(time.monotonic() - started, 1)
    summary["prefect"] = mode.describe()
    return summary


def _print_summary(summary: dict) -> None:
    from ingest import store

    counts = summary["counts"]
    parts = [f"{counts.get(key, 0)} {key}" for key in ("stored", "unchanged", "skipped",
                                                         "failed")]
    typer.echo(
        f"run {summary['run_id']}: {', '.join(parts)}; {summary['claims']} claims; "
        f"{len(summary['review_items'])} review items touched; {summary['seconds']} s"
    )
    with _session() as session:
        for row in store.run_outcomes(session=session, run_id=summary["run_id"]):
            if row.outcome == "failed":
                typer.echo(f"  failed  {row.kind:7} {row.url}  [{row.reason}] {row.message}")
    typer.echo(f"note: {summary['prefect']}", err=True)


@app.command()
@edge
def run(
    config: Annotated[Path | None, typer.Option("--config", "-c",
                      help="Sources file (default: INGEST_SOURCES_FILE, sources.toml).")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", "-s",
                      help="Only this source (repeatable).")] = None,
    force: Annotated[bool, typer.Option(help="Re-fetch articles already stored.")] = False,
) -> None:
    """One ingestion pass over the configured feeds and sitemaps, as a Prefect flow run."""
    from ingest.config import load_sources

    settings = _settings()
    # fail on bad input before any fetching or Prefect start
    configured = {s.name for s in load_sources(config or settings.sources_file)}
    unknown = sorted(set(source or ()) - configured)
    if unknown:
        raise errors.ConfigError(
            f"unknown source(s): {', '.join(unknown)} (configured: {', '.join(sorted(configured))})"
        )
    summary = _run_flow(sources_file=str(config) if config else None, sources=source or None,
                        force=force, trigger="manual")
    _print_summary(summary)


@app.command()
@edge
def add(
    urls: Annotated[list[str], typer.Argument(help="Article URLs to ingest now.")],
    config: Annotated[Path | None, typer.Option("--config", "-c",
                      help="Sources file, to name the outlet of each URL.")] = None,
) -> None:
    """A reviewer's tip: ingest these article URLs now, outside any feed, through the flow."""
    from ingest.config import check_url, load_sources

    settings = _settings()
    if config or settings.sources_file.exists():
        load_sources(config or settings.sources_file)
    for url in urls:
        try:
            check_url(url)
        except ValueError as exc:
            raise errors.ConfigError(str(exc)) from None
    summary = _run_flow(sources_file=str(config) if config else None, urls=urls,
                        trigger="tip")
    _print_summary(summary)


@app.command()
@edge
def recheck(
    limit: Annotated[int, typer.Option(min=1, help="At most this many articles.")] = 1000,
) -> None:
    """Fetch recent articles again and store a new version where the text changed."""
    _print_summary(_run_flow(flow="recheck", limit=limit, trigger="manual"))


@app.command()
@edge
def demo(
    database: Annotated[Path, typer.Option(help="SQLite file for the demo (recreated).")]
    = Path("storage/demo.db"),
) -> None:
    """Offline demo: serve the seed articles locally, ingest them, print the review queue."""
    from ingest.demo.site import NewsSite

    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    os.environ["INGEST_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["INGEST_HOST_MIN_INTERVAL"] = "0"
    os.environ["INGEST_ALLOW_PRIVATE_NETWORKS"] = "true"  # the demo site is on 127.0.0.1
    with NewsSite() as site:
        sources = database.parent / "demo-sources.toml"
        sources.write_text(site.sources_toml(), encoding="utf-8")
        typer.echo(f"serving the seed articles at {site.base_url} (feeds: {sources})")
        summary = _run_flow(sources_file=str(sources), trigger="demo")
    _print_summary(summary)
    typer.echo("")
    with _session() as session:
        from ingest import review

        items = review.list_items(session=session)
        _print_queue(session, items)
        for item in items:
            typer.echo("")
            _print_item(session, item.id)
    typer.echo(f"\nexplore: ingest --db sqlite:///{database} review list")


# -- claims ---------------------------------------------------------------------------------


@claims_app.command("parse")
def claims_parse() -> None:
    """Read JSON Lines {"id", "text"[, "title", "published"]} on stdin; one claim per line out."""
    from ingest.claims import extract_claims
    from ingest.export import claim_record

    bad = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
            if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
                raise ValueError('expected an object with a string "text"')
            published = date.fromisoformat(doc["published"][:10]) if doc.get("published") \
                else None
        except (ValueError, TypeError) as exc:
            typer.echo(f"error: line {number}: {exc}", err=True)
            bad += 1
            continue
        for claim in extract_claims(doc["text"], title=doc.get("title"), published=published):
            sys.stdout.write(json.dumps({"doc_id": doc.get("id"), **claim_record(claim)},
                                        ensure_ascii=False) + "\n")
    if bad:
        raise typer.Exit(1)


# -- export ---------------------------------------------------------------------------------


class ExportKind(StrEnum):
    claims = "claims"
    flags = "flags"
    articles = "articles"


@app.command()
@edge
def export(
    kind: Annotated[ExportKind, typer.Argument(help="What to export.")],
) -> None:
    """Write claims, flags (review items) or article versions as JSON Lines on stdout."""
    from ingest import export as exports

    with _session() as session:
        records = {"claims": exports.claims, "flags": exports.flags,
                   "articles": exports.articles}[kind.value](session=session)
        _write_jsonl(records)


def _write_jsonl(records: Iterable[dict]) -> None:
    out = sys.stdout
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


# -- review ---------------------------------------------------------------------------------


class Verdict(StrEnum):
    confirmed = "confirmed"
    not_a_conflict = "not-a-conflict"
    updated_figure = "updated-figure"
    extraction_error = "extraction-error"


Reviewer = Annotated[str, typer.Option("--reviewer", "-r", help="Your name, for the record.")]


def _figure(claim) -> str:
    from ingest.conflicts import describe

    who = claim.actor or claim.attributed_to or "unattributed"
    return f"{describe(claim)} ({claim.source}: {who})"


def _print_queue(session, items) -> None:
    from ingest import review

    if not items:
        typer.echo("review queue: empty")
        return
    typer.echo(f"review queue: {len(items)} item(s)")
    for item in items:
        members = review.item_claims(session=session, item_id=item.id)
        typer.echo(
            f"#{item.id:<4} {item.kind:13} {item.status:8} {item.event or '-'}  "
            f"{item.subject or ''} {item.measure or ''}  (priority {item.priority:g})"
        )
        typer.echo("      " + "  vs  ".join(_figure(c) for c in members))


def _print_item(session, item_id: int) -> None:
    from ingest import review

    view = review.get_item(session=session, item_id=item_id)
    item = view.item
    typer.echo(f"Review item #{item.id}: {item.kind}, {item.status}"
               + (f" (held by {item.assignee})" if item.assignee else ""))
    typer.echo(f"  event: {item.event}   measure: {item.measure}   subject: {item.subject}")
    if item.verdict:
        typer.echo(f"  verdict: {item.verdict} by {item.resolved_by} at "
                   f"{item.resolved_at:%Y-%m-%d %H:%M} UTC; note: {item.note or '-'}")
    for evidence in view.claims:
        claim, article = evidence.claim, evidence.article
        typer.echo(f"  - claim {claim.id}: \"{claim.quote}\"  -> {_figure(claim)}")
        typer.echo(f"      sentence:    {claim.sentence}")
        typer.echo(f"      outlet:      {claim.source}   attribution: "
                   f"{claim.attributed_to or '-'}" + (f"   ({claim.stance})" if claim.stance
                                                       else ""))
        typer.echo(f"      published:   {claim.published_at or '-'}   event date: "
                   f"{claim.event_date or '-'}   version: {evidence.version.version}")
        typer.echo(f"      url:         {article.url}")
        if evidence.reason:
            typer.echo(f"      flagged:     {evidence.reason}")
    typer.echo("  history:")
    for entry in view.log:
        typer.echo(f"    {entry.at:%Y-%m-%d %H:%M:%S} {entry.actor}: {entry.action}"
                   + (f" - {entry.detail}" if entry.detail else ""))


class StatusFilter(StrEnum):
    unresolved = "unresolved"
    open = "open"
    claimed = "claimed"
    resolved = "resolved"
    merged = "merged"
    all = "all"


@review_app.command("list")
@edge
def review_list(
    status: Annotated[StatusFilter, typer.Option(
        help="unresolved = open and claimed.")] = StatusFilter.unresolved,
    limit: Annotated[int, typer.Option(min=1)] = 50,
) -> None:
    """Review items, newest first, with the competing figures side by side."""
    from ingest import review

    with _session() as session:
        items = review.list_items(
            session=session, status=None if status == "all" else status.value, limit=limit
        )
        _print_queue(session, items)


@review_app.command("show")
@edge
def review_show(item_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Every claim of one item: quote, sentence, outlet, attribution, date, URL; its history."""
    with _session() as session:
        _print_item(session, item_id)


@review_app.command("claim")
@edge
def review_claim(item_id: Annotated[int, typer.Argument(metavar="ID")],
                 reviewer: Reviewer) -> None:
    """Take an item so that nobody else resolves it meanwhile."""
    from ingest import review

    with _session() as session:
        review.claim(session=session, item_id=item_id, reviewer=reviewer)
    typer.echo(f"item {item_id} claimed by {reviewer}")


@review_app.command("release")
@edge
def review_release(item_id: Annotated[int, typer.Argument(metavar="ID")],
                   reviewer: Reviewer) -> None:
    """Give a claimed item back to the queue."""
    from ingest import review

    with _session() as session:
        review.release(session=session, item_id=item_id, reviewer=reviewer)
    typer.echo(f"item {item_id} released")


@review_app.command("resolve")
@edge
def review_resolve(
    item_id: Annotated[int, typer.Argument(metavar="ID")],
    verdict: Annotated[Verdict, typer.Option(help="The reviewer's finding.")],
    reviewer: Reviewer,
    note: Annotated[str, typer.Option(help="Why; shown in exports.")] = "",
) -> None:
    """Resolve an item with a verdict and a note."""
    from ingest import review

    with _session() as session:
        review.resolve(session=session, item_id=item_id, verdict=verdict.value, note=note,
                       reviewer=reviewer)
    typer.echo(f"item {item_id} resolved: {verdict.value}")


@review_app.command("reopen")
@edge
def review_reopen(item_id: Annotated[int, typer.Argument(metavar="ID")], reviewer: Reviewer,
                  note: Annotated[str, typer.Option()] = "") -> None:
    """Reopen a resolved item."""
    from ingest import review

    with _session() as session:
        review.reopen(session=session, item_id=item_id, reviewer=reviewer, note=note or None)
    typer.echo(f"item {item_id} reopened")


@review_app.command("comment")
@edge
def review_comment(item_id: Annotated[int, typer.Argument(metavar="ID")], reviewer: Reviewer,
                   note: Annotated[str, typer.Option(help="The comment.")]) -> None:
    """Add a comment to an item's history."""
    from ingest import review

    with _session() as session:
        review.comment(session=session, item_id=item_id, reviewer=reviewer, note=note)
    typer.echo(f"comment added to item {item_id}")


# -- runs -----------------------------------------------------------------------------------


@runs_app.command("list")
@edge
def runs_list(limit: Annotated[int, typer.Option(min=1)] = 20) -> None:
    """Recent ingestion runs with their counts."""
    from sqlmodel import col, select

    from ingest.models import Run

    with _session() as session:
        for run_row in session.exec(select(Run).order_by(col(Run.id).desc()).limit(limit)):
            finished = f"{run_row.finished_at:%H:%M:%S}" if run_row.finished_at else "unfinished"
            typer.echo(f"run {run_row.id}: {run_row.started_at:%Y-%m-%d %H:%M:%S} -> {finished}"
                       f"  {run_row.trigger:8} {run_row.sources or ''}  {run_row.counts}")


@runs_app.command("show")
@edge
def runs_show(run_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Every URL of one run with its outcome and reason."""
    from ingest import store

    with _session() as session:
        rows = store.run_outcomes(session=session, run_id=run_id)
        if not rows:
            raise errors.ConfigError(f"no run {run_id} (or it recorded no URL)")
        for row in rows:
            typer.echo(f"{row.outcome:9} {row.kind:7} {row.source:12} {row.url}"
                       + (f"  [{row.reason}] {row.message or ''}" if row.reason else
                          f"  {row.message or ''}"))


# -- the web workspace -----------------------------------------------------------------------


@app.command()
@edge
def serve(
    host: Annotated[str | None, typer.Option(help="Address (default: INGEST_WEB_HOST).",
                                             show_default=False)] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: INGEST_WEB_PORT).",
                                             show_default=False)] = None,
) -> None:
    """The reviewers' workspace: web pages and the JSON API (/api) on the database."""
    import uvicorn

    from ingest.web import create_app

    settings = _settings()
    web_app = create_app(settings)
    host, port = host or settings.web_host, port or settings.web_port
    typer.echo(f"reviewers' workspace on http://{host}:{port}/ (database "
               f"{settings.database_url}); accounts: ingest users add NAME", err=True)
    uvicorn.run(web_app, host=host, port=port, proxy_headers=False, server_header=False,
                log_level="info")


@users_app.command("add")
@edge
def users_add(
    name: Annotated[str, typer.Argument(help="Login name (lowercase letters, digits, ._-).")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin.")] = False,
) -> None:
    """Create a reviewer account (the password is prompted for, or read from stdin)."""
    from ingest import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _session() as session:
        accounts.create_reviewer(session=session, username=name, password=password)
    typer.echo(f"reviewer {name} created")


@users_app.command("list")
@edge
def users_list() -> None:
    """Reviewer accounts, with when they were created and whether they are active."""
    from ingest import accounts

    with _session() as session:
        for reviewer in accounts.list_reviewers(session=session):
            state = "active" if reviewer.active else "disabled"
            typer.echo(f"{reviewer.username:20} {state:8} created "
                       f"{reviewer.created_at:%Y-%m-%d %H:%M}")


@users_app.command("disable")
@edge
def users_disable(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable an account: its sessions end at once; its history stays."""
    from ingest import accounts

    with _session() as session:
        accounts.set_active(session=session, username=name, active=False)
    typer.echo(f"reviewer {name} disabled")


# -- the database schema ---------------------------------------------------------------------


@db_app.command("upgrade")
@edge
def db_upgrade() -> None:
    """Migrate the database to the newest schema revision (creates a new one)."""
    from ingest import db

    url = _settings().database_url
    before, after = db.upgrade(url)
    if before.current == after.current:
        typer.echo(f"database already at revision {after.current}; nothing to do")
    else:
        typer.echo(f"database upgraded from {before.current or 'nothing'} to {after.current}")


@db_app.command("current")
@edge
def db_current() -> None:
    """The database's schema revision and the newest one this code knows."""
    from ingest import db

    state = db.current(_settings().database_url)
    typer.echo(f"database {state.describe()}")
    if not state.up_to_date and not state.new:
        raise typer.Exit(1)
