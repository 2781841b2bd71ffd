"""The conflict lookups of ``store``: what they return, and that they use their indexes.

Their speed as the claims grow is measured by ``bench/conflict_lookup.py``; here, the plans
are checked instead (no clock): on SQLite, whose planner uses no statistics (the service
never runs ANALYZE), each lookup reads a date range of its index. PostgreSQL chooses by
statistics, so its plans are shown by the bench on a million claims.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session

from ingest import store
from ingest.claims import Claim
from ingest.db import get_engine
from ingest.models import Article, ArticleVersion, FigureClaim

DAY = date(2023, 1, 10)


def _session_with_a_version(url: str):
    with Session(get_engine(url), expire_on_commit=False) as session:
        article = Article(url="https://x.example/1", source="x")
        session.add(article)
        session.flush()
        version = ArticleVersion(article_id=article.id, version=1, content_hash="h",
                                 final_url=article.url, text="t")
        session.add(version)
        session.flush()
        yield session, version


@pytest.fixture
def lookups(any_db_url):
    yield from _session_with_a_version(any_db_url)


@pytest.fixture
def sqlite_lookups(tmp_path):
    yield from _session_with_a_version(f"sqlite:///{tmp_path / 'lookups.db'}")


def stored(session, version, *, place="aleppo", measure="killed", event_date=DAY,
           superseded=False, kind=None) -> FigureClaim:
    index = session.info["claims"] = session.info.get("claims", 0) + 1
    row = FigureClaim(article_id=version.article_id, version_id=version.id, source="x",
                      sentence=f"s{index}", sentence_index=index, quote="5", start=0, end=1,
                      value=5, bound="=", low=5, high=5, measure=measure, subject="people",
                      place=place, event_date=event_date, incident_kind=kind,
                      event=f"{place}/{event_date}", superseded=superseded)
    session.add(row)
    session.flush()
    return row


def new_claim(*, event_date=DAY, published_at=None, measure="killed") -> FigureClaim:
    return FigureClaim(id=10_000, article_id=0, version_id=0, source="y", sentence="s",
                       sentence_index=0, quote="9", start=0, end=1, value=9, bound="=", low=9,
                       high=9, measure=measure, subject="people", place="aleppo",
                       event_date=event_date, published_at=published_at)


def test_comparable_candidates_dated_within_the_window_in_id_order(lookups):
    session, version = lookups
    undated = stored(session, version, event_date=None)  # nor published: stored that day
    undated.created_at = datetime.combine(DAY, time(12), UTC)
    same_day = stored(session, version)
    too_late = stored(session, version, event_date=date(2023, 1, 12))
    district_injured = stored(session, version, place="aleppo_east", measure="injured",
                              event_date=date(2023, 1, 9))
    stored(session, version, event_date=None, superseded=True)
    stored(session, version, superseded=True)
    stored(session, version, place="idlib")
    displaced = stored(session, version, measure="displaced")

    def ids(claim):
        return [c.id for c in store.comparable_candidates(session=session, claim=claim,
                                                          window_days=1)]

    assert ids(new_claim()) == [undated.id, same_day.id, district_injured.id]
    assert ids(new_claim(event_date=None, published_at=DAY)) == ids(new_claim())
    stored_then = new_claim(event_date=None)  # nor published: dated by when it is stored
    stored_then.created_at = datetime.combine(DAY, time(8), UTC)
    assert ids(stored_then) == ids(new_claim())
    no_date = new_claim(event_date=None)
    no_date.created_at = None  # not stored, no dates at all: any date
    assert ids(no_date) == [undated.id, same_day.id, too_late.id, district_injured.id]
    assert ids(new_claim(measure="displaced")) == [displaced.id]
    assert ids(same_day) == [undated.id, district_injured.id]  # not itself


def _plans(session, call) -> list[str]:
    """The SQLite query plans of the SELECTs on figure_claim that ``call`` sends."""
    statements = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if statement.startswith("SELECT") and "FROM figure_claim" in statement:
            statements.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    connection = session.connection()
    return ["\n".join(row[-1] for row in connection.exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters)) for statement, parameters in statements]


def test_comparable_candidates_read_a_date_range_of_their_index(sqlite_lookups):
    session, version = sqlite_lookups
    stored(session, version)
    plans = _plans(session, lambda: store.comparable_candidates(
        session=session, claim=new_claim(), window_days=1))
    assert len(plans) == 9, plans  # by place, by area, and the country's rare kinds
    for plan in plans[6:]:  # few: a country's figures of a rare kind
        assert "USING INDEX ix_figure_claim_place_kind_date (place=? AND incident_kind=? AND " \
            "event_date" in plan, plan
    for column, (by_event, published, by_stored) in zip(
            ("place", "area"), (plans[:3], plans[3:6]), strict=True):
        index = f"USING INDEX ix_figure_claim_{column}_measure_dates ({column}=? AND measure=?"
        assert f"{index} AND event_date>? AND event_date<?)" in by_event, by_event
        # no event date (IS NULL is an equality in the plan): by publication date, else by
        # the day stored
        assert f"{index} AND event_date=? AND published_at>? AND published_at<?)" in published
        assert (f"{index} AND event_date=? AND published_at=? AND created_at>? AND "
                "created_at<?)") in by_stored, by_stored


def test_comparable_candidates_without_an_event_date_by_publication_else_when_stored(lookups):
    session, version = lookups
    near = stored(session, version, event_date=None)
    near.published_at = DAY - timedelta(days=1)  # within the window
    far = stored(session, version, event_date=None)
    far.published_at = DAY - timedelta(days=30)
    stored_near = stored(session, version, event_date=None)  # nor published: when stored
    stored_near.created_at = datetime.combine(DAY + timedelta(days=1), time(23, 59), UTC)
    stored_far = stored(session, version, event_date=None)
    stored_far.created_at = datetime.combine(DAY + timedelta(days=2), time(0, 1), UTC)
    session.flush()
    found = store.comparable_candidates(session=session, claim=new_claim(), window_days=1)
    assert {c.id for c in found} == {near.id, stored_near.id}
    # and an undated new claim stored today is compared with what was stored around today
    today = new_claim(event_date=None)
    today.created_at = stored_far.created_at
    found = store.comparable_candidates(session=session, claim=today, window_days=1)
    assert {c.id for c in found} == {stored_near.id, stored_far.id}


def test_comparable_candidates_include_places_the_gazetteer_lacks_within_this_one(lookups):
    session, version = lookups
    village = stored(session, version, place="tl_twl")  # "the village of Tall Tawil"
    village.area = "aleppo"  # "... near Aleppo"
    elsewhere = stored(session, version, place="brj")
    elsewhere.area = "idlib"
    session.flush()
    found = store.comparable_candidates(session=session, claim=new_claim(), window_days=1)
    assert [c.id for c in found] == [village.id]


@pytest.mark.parametrize("kind", ["shelling", None])
def test_linked_event_reads_a_date_range_of_its_index(sqlite_lookups, kind):
    session, version = sqlite_lookups
    stored(session, version, kind=kind)
    claim = Claim(sentence="s", quote="9", start=0, end=1, value=9, bound="=", low=9, high=9,
                  approx=False, place="aleppo", event_date=DAY, incident_kind=kind)
    assert store._linked_event(session=session, claim=claim, window_days=1) == "aleppo/2023-01-10"
    (plan,) = _plans(session, lambda: store._linked_event(session=session, claim=claim,
                                                           window_days=1))
    assert ("USING INDEX ix_figure_claim_place_kind_date "
            "(place=? AND incident_kind=? AND event_date>? AND event_date<?)") in plan, plan


def test_save_claims_links_a_claim_to_an_earlier_one_of_the_same_article(lookups):
    """Claims of one version are inserted together, after their events are linked: a claim
    a day after another of its article, at the same place, joins that one's incident."""
    session, version = lookups
    article = session.get(Article, version.article_id)

    def claim(day, index):
        return Claim(sentence=f"s{index}", quote="9", start=0, end=1, value=9, bound="=", low=9,
                     high=9, approx=False, measure="killed", subject="people", place="aleppo",
                     event_date=day, event=f"aleppo/{day}", sentence_index=index)

    rows = store.save_claims(session=session, article=article, version=version, window_days=1,
                             claims=[claim(DAY, 1), claim(DAY + timedelta(days=1), 2),
                                     claim(DAY + timedelta(days=5), 3)])
    assert [row.sentence_index for row in rows] == [1, 2, 3]  # in the claims' order
    assert [row.event for row in rows] == ["aleppo/2023-01-10", "aleppo/2023-01-10",
                                           "aleppo/2023-01-15"]
    assert all(row.id and row.text_id == version.id for row in rows)


def test_comparable_candidates_of_a_rare_kind_reach_across_its_country(lookups):
    session, version = lookups
    country = stored(session, version, place="syria", kind="chemical")
    ghouta = stored(session, version, place="eastern_ghouta", kind="chemical")
    stored(session, version, place="beirut", kind="chemical")
    national_shelling = stored(session, version, place="syria", kind="shelling")
    city = new_claim()  # of any kind (``conflicts.comparable`` checks the kinds), but only a
    # country's figures of a rare kind are about an incident
    found = store.comparable_candidates(session=session, claim=city, window_days=1)
    assert [c.id for c in found] == [country.id]
    national = new_claim()
    national.place, national.incident_kind = "syria", "chemical"
    found = store.comparable_candidates(session=session, claim=national, window_days=1)
    assert [c.id for c in found] == [country.id, ghouta.id, national_shelling.id]
