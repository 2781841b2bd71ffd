"""The fetcher and the pipeline against tests/fault_server.py over real local HTTP."""

import pytest
from sqlmodel import select

from ingest import pipeline, store
from ingest.config import Source
from ingest.db import session_scope
from ingest.discover import Candidate, discover_source
from ingest.fetch import Fetcher
from ingest.models import Article, ArticleVersion
from tests.fault_server import FAULTS, WIRE_TEXT, FaultServer, article

pytestmark = pytest.mark.anyio


@pytest.fixture
def server():
    with FaultServer() as server:
        yield server


@pytest.fixture
def quick(settings):
    """Small limits, so that every fault shows within a few seconds; not so small that a
    loaded machine times out on a healthy answer (the stall and the trickle last 3 s)."""
    return settings.model_copy(update={
        "total_timeout": 2.0, "read_timeout": 1.0, "connect_timeout": 1.0,
        "max_response_bytes": 100_000, "max_redirects": 5, "fetch_attempts": 2,
        "retry_backoff": 0.01, "retry_max_wait": 5, "host_concurrency": 4,
    })


async def run(settings, candidates, **kw):
    run_id = pipeline.start_run(settings, trigger="test", sources=[])
    report = await pipeline.process_batch(candidates, settings, run_id=run_id, **kw)
    with session_scope(settings.database_url) as session:
        rows = store.run_outcomes(session=session, run_id=run_id)
        return report, {row.url: (row.outcome, row.reason, row.message) for row in rows}


async def test_every_fault_yields_its_recorded_outcome(quick, server):
    server.add("/feed.xml", server.feed(*FAULTS), content_type="application/rss+xml")
    source = Source(name="faults", feeds=(server.url("/feed.xml"),))
    run_id = pipeline.start_run(quick, trigger="test", sources=["faults"])
    candidates = await pipeline.discover(source, quick, run_id=run_id)
    assert [c.url for c in candidates] == [server.url(path) for path in FAULTS]
    await pipeline.process_batch(candidates, quick, run_id=run_id)
    with session_scope(quick.database_url) as session:
        got = {row.url.removeprefix(server.base_url): (row.outcome, row.reason)
               for row in store.run_outcomes(session=session, run_id=run_id)}
        texts = {v.final_url.removeprefix(server.base_url): v.text
                 for v in session.exec(select(ArticleVersion))}
    assert got == FAULTS
    assert server.hits["/500"] == 2  # tried twice
    assert server.hits["/503-then-ok"] == 2  # after its Retry-After
    assert server.hits["/429-for-an-hour"] == 1  # an hour is beyond the budget: no retry
    assert server.hits.get("/private/page") is None  # robots.txt said no
    assert server.hits["/robots.txt"] == 1  # once per run: discovery's, kept for the batch
    assert "Макеевке погибли 63" in texts["/cp1251-bare"]
    assert "по меньшей мере 400" in texts["/wrong-charset"]
    assert "64 servicemen" in texts["/broken-html"]


async def test_fault_messages_say_what_happened(quick, server):
    paths = ["/truncated", "/gzip-bomb", "/loop-a", "/429-for-an-hour", "/stalled"]
    _report, got = await run(quick, [Candidate(url=server.url(p), source="f", listed_in="t")
                                     for p in paths])
    messages = {url.removeprefix(server.base_url): message for url, (_o, _r, message)
                in got.items()}
    assert "incomplete response" in messages["/truncated"]
    assert "decoded" in messages["/gzip-bomb"]
    assert messages["/loop-a"].endswith("/loop-b -> " + server.url("/loop-a"))
    assert "Retry-After 3600 s is beyond" in messages["/429-for-an-hour"]
    assert "timed out" in messages["/stalled"] or "within 2 s" in messages["/stalled"]


async def test_private_addresses_are_refused_unless_allowed(quick, server):
    closed = quick.model_copy(update={"allow_private_networks": False})
    _report, got = await run(closed, [Candidate(url=server.url("/ok"), source="f",
                                                listed_in="t")])
    assert got[server.url("/ok")][:2] == ("failed", "private_address")
    assert server.hits == {}  # not even robots.txt


async def test_conditional_refetch_costs_no_extraction(quick, server):
    server.add("/etag", article(), ETag='"v1"')
    candidate = Candidate(url=server.url("/etag"), source="f", listed_in="t")
    report, _got = await run(quick, [candidate])
    assert report.outcomes == {"stored": 1}
    from datetime import UTC, datetime

    updated = Candidate(url=candidate.url, source="f", listed_in="t",
                        updated=datetime(2100, 1, 1, tzinfo=UTC))
    report, got = await run(quick, [updated])
    assert report.outcomes == {"unchanged": 1}
    assert got[candidate.url][:2] == ("unchanged", "not_modified")
    # with --force the page is read in full: same text, so no new version either
    report, got = await run(quick, [candidate], force=True)
    assert got[candidate.url][:2] == ("unchanged", None)
    assert server.hits["/etag"] == 3
    with session_scope(quick.database_url) as session:
        (stored,) = session.exec(select(Article)).all()
        assert stored.etag == '"v1"' and stored.latest_version == 1


async def test_one_article_under_several_urls(quick, server):
    canonical = server.url("/story")
    server.add("/story", article())
    server.add("/amp/story", article(head='<link rel="canonical" href="/story?utm_source=amp">'))
    server.add("/copy", article())  # the same text, no canonical link: a duplicate
    server.add("/elsewhere", article(head='<link rel="canonical" '
                                          'href="https://other.example/story">'))
    server.add("/efe-wire", article(WIRE_TEXT))
    server.add("/rt-wire", article(WIRE_TEXT))
    server.add("/feed.xml", server.feed("/story?utm_source=rss&utm_medium=feed&fbclid=x",
                                        "/amp/story", "/copy", "/story", "/rt-wire"),
               content_type="application/rss+xml")
    run_id = pipeline.start_run(quick, trigger="test", sources=[])
    listed = await pipeline.discover(Source(name="rt", feeds=(server.url("/feed.xml"),)),
                                     quick, run_id=run_id)
    assert [c.url for c in listed] == [canonical, server.url("/amp/story"), server.url("/copy"),
                                       server.url("/rt-wire")]
    efe = Candidate(url=server.url("/efe-wire"), source="efe", listed_in="t")
    report, got = await run(quick, [efe, *listed])
    assert got[canonical][:2] == ("stored", None)
    assert got[server.url("/amp/story")][:2] == ("unchanged", None)
    assert f"canonical URL {canonical}" in got[server.url("/amp/story")][2]
    assert got[server.url("/copy")] == ("skipped", "duplicate", f"same text as {canonical}")
    assert got[server.url("/rt-wire")][:2] == ("stored", None)
    assert got[server.url("/rt-wire")][2].endswith(
        f"syndicated copy of {server.url('/efe-wire')}")
    # another site's canonical URL is not trusted: stored under the URL fetched
    report, got = await run(quick, [Candidate(url=server.url("/elsewhere"), source="rt",
                                              listed_in="t")])
    assert got[server.url("/elsewhere")][:2] == ("skipped", "duplicate")
    with session_scope(quick.database_url) as session:
        urls = sorted(a.url for a in session.exec(select(Article)))
    assert urls == [server.url("/efe-wire"), server.url("/rt-wire"), canonical]


async def test_feeds_that_go_wrong(quick, server):
    server.add("/relative.xml", server.feed("/a?utm_campaign=x", "a", "./a#top", "/b",
                                            "mailto:x@y.z", "", "/relative.xml"),
               content_type="application/rss+xml")
    server.add("/empty.xml", '<rss version="2.0"><channel><title>e</title></channel></rss>',
               content_type="application/rss+xml")
    server.add("/malformed.xml", "<rss><channel><item><link>", content_type="text/xml")
    server.add("/blank.xml", "", content_type="application/rss+xml")
    server.add("/latin1.xml", server.feed("/caf\u00e9").encode("latin-1"),
               content_type="application/rss+xml")
    source = Source(name="f", feeds=tuple(server.url(p) for p in (
        "/relative.xml", "/empty.xml", "/malformed.xml", "/blank.xml", "/missing.xml")))
    async with Fetcher(quick) as fetcher:
        found = await discover_source(source, fetcher)
    assert [c.url for c in found.candidates] == [server.url("/a"), server.url("/b")]
    assert [(f.url.removeprefix(server.base_url), f.reason) for f in found.failures] == [
        ("/malformed.xml", "discovery"), ("/blank.xml", "discovery"),
        ("/missing.xml", "http_status")]
