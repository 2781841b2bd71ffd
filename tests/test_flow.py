"""The real Prefect flow, end to end, against local HTTP servers (the session's Prefect test
server: ``prefect_server`` in conftest.py)."""

import json

import pytest
from typer.testing import CliRunner

from ingest import review, store
from ingest.cli import app
from ingest.db import session_scope
from tests.faulty_site import FaultySite


@pytest.fixture
def site():
    with FaultySite() as site:
        yield site


def test_flow_end_to_end(prefect_server, settings, site, tmp_path, monkeypatch):
    import asyncio

    monkeypatch.setenv("INGEST_TOTAL_TIMEOUT", "1")
    monkeypatch.setenv("INGEST_MAX_RESPONSE_BYTES", "100000")
    monkeypatch.setenv("INGEST_FETCH_ATTEMPTS", "2")
    monkeypatch.setenv("INGEST_RETRY_BACKOFF", "0.01")
    from flows.ingestion import ingest

    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml() + site.faults_toml())
    summary = asyncio.run(ingest(sources_file=str(sources), trigger="test"))
    # the RT page is listed by two feeds (its own and the fault feed): fetched once
    with session_scope(settings.database_url) as session:
        outcomes = {o.url.rsplit("/", 1)[-1]: (o.outcome, o.reason)
                    for o in store.run_outcomes(session=session, run_id=summary["run_id"])}
    assert outcomes["slow"] == ("failed", "timeout"), outcomes
    assert summary["counts"]["stored"] == 2
    assert summary["counts"]["failed"] == 4, outcomes
    assert summary["counts"]["skipped"] == 2  # the page without an article, the PDF
    assert summary["counts"]["feed_failures"] == 2
    with session_scope(settings.database_url) as session:
        places = sorted(item.place for item in review.list_items(session=session))
    # Kramatorsk: soldiers killed (more than 600, 600) and casualties (hundreds) against
    # "no casualties", two figures; Makiivka: 63, 89 and at least 400 soldiers killed
    assert places == ["kramatorsk", "kramatorsk", "makiivka"]

    again = asyncio.run(ingest(sources_file=str(sources), sources=["rt", "efe"]))
    assert again["counts"] == {"skipped": 2, "feed_failures": 0}
    assert again["review_items"] == []


def test_cli_run_add_and_export(prefect_server, settings, site, tmp_path):
    runner = CliRunner()
    sources = tmp_path / "sources.toml"
    sources.write_text(site.sources_toml())
    result = runner.invoke(app, ["run", "--config", str(sources), "--source", "efe"])
    assert result.exit_code == 0, result.output
    assert "1 stored" in result.output

    rt_url = f"{site.base_url}/rt/makeyevka-strike.html"
    result = runner.invoke(app, ["add", rt_url, f"{site.base_url}/faults/missing",
                                 "--config", str(sources)])
    assert result.exit_code == 0, result.output
    assert "1 stored" in result.output and "1 failed" in result.output
    assert "faults/missing  [http_status] HTTP 404" in result.output

    articles = [json.loads(line) for line in
                runner.invoke(app, ["export", "articles"]).output.splitlines()]
    assert {a["source"] for a in articles} == {"efe", "rt"}  # the tip is named by its host
    flags = [json.loads(line) for line in
             runner.invoke(app, ["export", "flags"]).output.splitlines()]
    assert any(f["event"].startswith("makiivka/") and len(f["claim_ids"]) == 3 for f in flags)
