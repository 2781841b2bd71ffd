"""The command line over a database filled by the library pipeline (no Prefect needed)."""

import asyncio
import json

import pytest
from typer.testing import CliRunner

from ingest import pipeline
from ingest.cli import app
from ingest.config import parse_sources
from tests.faulty_site import FaultySite

runner = CliRunner()

CLAIM_FIELDS = {"id", "article_url", "source", "published_at", "sentence", "quote", "value",
                "bound", "low", "high", "approx", "measure", "subject", "attributed_to",
                "event"}
FLAG_FIELDS = {"id", "kind", "status", "event", "measure", "claim_ids", "created_at"}
ARTICLE_FIELDS = {"url", "source", "title", "published_at", "version", "fetched_at", "text"}


@pytest.fixture
def filled(settings):
    async def fill(site):
        run_id = pipeline.start_run(settings, trigger="test", sources=[])
        for source in parse_sources(site.sources_toml()):
            found = await pipeline.discover(source, settings, run_id=run_id)
            await pipeline.process_batch(found, settings, run_id=run_id)
        pipeline.finish_run(settings, run_id=run_id)

    with FaultySite() as site:
        asyncio.run(fill(site))
    return settings


def jsonl(output):
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def invoke(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def test_every_command_has_help():
    for args in (["--help"], ["run", "--help"], ["add", "--help"], ["demo", "--help"],
                 ["claims", "parse", "--help"], ["export", "--help"],
                 ["review", "list", "--help"], ["review", "show", "--help"],
                 ["review", "claim", "--help"], ["review", "release", "--help"],
                 ["review", "resolve", "--help"], ["review", "reopen", "--help"],
                 ["review", "comment", "--help"], ["runs", "list", "--help"],
                 ["runs", "show", "--help"]):
        result = invoke(*args)
        assert result.exit_code == 0, args
        assert "Usage" in result.output


def test_export_contract(filled):
    claims = jsonl(invoke("export", "claims").output)
    assert claims and all(CLAIM_FIELDS <= set(c) for c in claims)
    assert {c["source"] for c in claims} == {"rt", "efe"}
    flags = jsonl(invoke("export", "flags").output)
    assert len(flags) >= 2 and all(FLAG_FIELDS <= set(f) for f in flags)
    claim_ids = {c["id"] for c in claims}
    assert all(set(f["claim_ids"]) <= claim_ids for f in flags)
    articles = jsonl(invoke("export", "articles").output)
    assert len(articles) == 2 and all(ARTICLE_FIELDS <= set(a) for a in articles)
    assert {a["published_at"] for a in articles} == {"2023-01-02", "2023-01-08"}


def test_review_workflow(filled):
    listing = invoke("review", "list")
    assert listing.exit_code == 0
    assert "makiivka/" in listing.output and "kramatorsk/" in listing.output
    flags = jsonl(invoke("export", "flags").output)
    item = next(f for f in flags if f["event"].startswith("makiivka/"))
    shown = invoke("review", "show", str(item["id"]))
    assert shown.exit_code == 0
    for text in ("at least 400", "According to kyiv", "http://127.0.0.1", "2023-01-08",
                 "attribution:", "history:"):
        assert text in shown.output

    assert invoke("review", "claim", str(item["id"]), "--reviewer", "ana").exit_code == 0
    taken = invoke("review", "claim", str(item["id"]), "--reviewer", "bo")
    assert taken.exit_code == 1 and "held by ana" in taken.output
    done = invoke("review", "resolve", str(item["id"]), "--verdict", "confirmed",
                  "--note", "Moscow and Kyiv disagree", "--reviewer", "ana")
    assert done.exit_code == 0, done.output
    flags = {f["id"]: f for f in jsonl(invoke("export", "flags").output)}
    assert flags[item["id"]]["status"] == "resolved"
    assert flags[item["id"]]["verdict"] == "confirmed"
    assert flags[item["id"]]["resolved_by"] == "ana"
    assert "makiivka/" not in invoke("review", "list").output
    assert "makiivka/" in invoke("review", "list", "--status", "resolved").output
    history = invoke("review", "show", str(item["id"])).output
    assert "ana: claimed" in history and "ana: resolved - confirmed: Moscow" in history


@pytest.mark.parametrize(("args", "code", "message"), [
    (["review", "show", "999"], 1, "no review item with id 999"),
    (["review", "resolve", "1", "--verdict", "maybe", "--reviewer", "a"], 2, "maybe"),
    (["review", "resolve", "1", "--verdict", "confirmed", "--reviewer", " "], 1,
     "reviewer name is required"),
    (["review", "list", "--status", "lost"], 2, "Usage"),
    (["review", "show", "one"], 2, "Usage"),
    (["runs", "show", "42"], 2, "no run 42"),
])
def test_bad_reviewer_input(filled, args, code, message):
    result = invoke(*args)
    assert result.exit_code == code
    assert message in result.output


def test_run_with_bad_config_fails_before_fetching(settings, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\nname = "x"\nfeedz = ["https://x.org/rss"]\n')
    result = invoke("run", "--config", str(bad))
    assert result.exit_code == 2
    assert "unknown key 'feedz'" in result.output
    missing = invoke("run", "--config", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 2 and "not found" in missing.output
    good = tmp_path / "good.toml"
    good.write_text('[[sources]]\nname = "x"\nfeeds = ["https://x.org/rss"]\n')
    unknown = invoke("run", "--config", str(good), "--source", "y")
    assert unknown.exit_code == 2 and "unknown source(s): y (configured: x)" in unknown.output


def test_add_rejects_malformed_urls(settings):
    result = invoke("add", "not-a-url")
    assert result.exit_code == 2 and "malformed URL" in result.output


def test_bad_database_url(monkeypatch):
    monkeypatch.setenv("INGEST_DATABASE_URL", "mysql://nowhere")
    result = invoke("review", "list")
    assert result.exit_code == 2 and "database_url" in result.output


def test_claims_parse():
    docs = [{"id": "d1", "text": "At least 400 Russian soldiers died in Makiivka, Kyiv said."},
            {"id": 2, "text": "The hostel No. 47 was hit on 2 January 2023."}]
    result = invoke("claims", "parse", input="".join(json.dumps(d) + "\n" for d in docs))
    assert result.exit_code == 0, result.output
    (claim,) = jsonl(result.output)
    assert claim["doc_id"] == "d1"
    assert (claim["value"], claim["bound"], claim["low"], claim["high"]) == (400, ">=", 400, None)
    assert claim["measure"] == "killed" and claim["subject"] == "soldiers"
    assert claim["quote"] == "At least 400"


def test_claims_parse_reports_bad_lines_and_goes_on():
    text = 'not json\n{"id": 1}\n{"id": 3, "text": "Five people were injured."}\n'
    result = invoke("claims", "parse", input=text)
    assert result.exit_code == 1
    assert "line 1" in result.output and "line 2" in result.output
    assert '"doc_id": 3' in result.output
