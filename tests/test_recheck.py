"""Revisions: recent articles are fetched again on a decaying schedule; a changed figure
between versions is a `modified` review item, a whitespace edit is no new version."""

from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest
from sqlmodel import select

from ingest import pipeline, review, store
from ingest.db import session_scope
from ingest.discover import Candidate
from ingest.models import Article, ArticleVersion

pytestmark = pytest.mark.anyio

NOW = datetime(2023, 1, 2, 12, tzinfo=UTC)


@pytest.mark.parametrize(("age", "since_check", "due"), [
    (timedelta(hours=1), timedelta(minutes=20), False),
    (timedelta(hours=1), timedelta(minutes=31), True),
    (timedelta(hours=10), timedelta(minutes=90), False),
    (timedelta(hours=10), timedelta(hours=2), True),
    (timedelta(hours=30), timedelta(hours=3), False),
    (timedelta(hours=30), timedelta(hours=12), True),
    (timedelta(hours=80), timedelta(days=2), False),  # older than the maximum age
])
def test_recheck_schedule_decays_with_age(age, since_check, due):
    assert pipeline.recheck_due(first_seen=NOW - age, last_checked=NOW - since_check, now=NOW,
                                max_age=timedelta(hours=72)) is due


PAGE = """<html lang="en"><head><title>Strike on Makiivka</title>
<meta property="article:published_time" content="2023-01-02T10:00:00+00:00"></head>
<body><article><h1>Strike on Makiivka</h1>{note}
<p>{figure} Russian servicemen were killed in the strike on Makiivka, the Defence Ministry
said on Monday. The building was hit by four missiles.</p>
<p>Rescue work at the site of the former vocational school went on through the night and
officials said the search would continue.</p></article></body></html>"""


class Site:
    """One article whose text the test can change between fetches."""

    def __init__(self) -> None:
        self.html = PAGE.format(note="", figure="63")
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = site.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/makiivka.html"
        Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    site = Site()
    yield site
    site.close()


async def _pass(settings, candidates, **kw):
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    report = await pipeline.process_batch(candidates, settings, run_id=run_id, **kw)
    pipeline.finish_run(settings, run_id=run_id)
    return report


def _age(settings, hours):
    """Pretend the article was stored and checked ``hours`` ago."""
    with session_scope(settings.database_url) as session:
        article = session.exec(select(Article)).one()
        article.first_seen_at = article.last_checked_at = datetime.now(UTC) - timedelta(
            hours=hours)
        session.add(article)


async def test_changed_figure_is_a_modified_item(settings, site):
    first = await _pass(settings, [Candidate(url=site.url, source="rt", listed_in="test")])
    assert first.outcomes == {"stored": 1}
    assert pipeline.due_for_recheck(settings, limit=10) == []  # just checked

    _age(settings, 1)
    site.html = PAGE.format(note="<p>Correction: an earlier version gave 63.</p>",
                            figure="89")
    due = pipeline.due_for_recheck(settings, limit=10)
    assert [c.url for c in due] == [site.url]
    report = await _pass(settings, due, recheck=True)
    assert report.outcomes == {"stored": 1}
    with session_scope(settings.database_url) as session:
        versions = session.exec(select(ArticleVersion).order_by(ArticleVersion.version)).all()
        assert [v.version for v in versions] == [1, 2]
        assert versions[1].update_note == "Correction: an earlier version gave 63."
        (item,) = review.list_items(session=session)
        assert item.kind == "modified"
        quotes = sorted(c.quote for c in review.item_claims(session=session, item_id=item.id))
        assert quotes == ["63", "89"]


async def test_whitespace_edit_is_no_new_version(settings, site):
    await _pass(settings, [Candidate(url=site.url, source="rt", listed_in="test")])
    _age(settings, 1)
    site.html = site.html.replace("The building", "The   building\n\n")
    report = await _pass(settings, pipeline.due_for_recheck(settings, limit=10), recheck=True)
    assert report.outcomes == {"unchanged": 1}
    with session_scope(settings.database_url) as session:
        assert len(session.exec(select(ArticleVersion)).all()) == 1
        assert review.list_items(session=session) == []
        (run,) = [r for r in store.run_outcomes(session=session, run_id=2)]
        assert run.outcome == "unchanged"


async def test_old_articles_are_not_rechecked(settings, site):
    await _pass(settings, [Candidate(url=site.url, source="rt", listed_in="test")])
    _age(settings, 100)
    assert pipeline.due_for_recheck(settings, limit=10) == []
