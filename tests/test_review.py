from datetime import date

import pytest
from sqlmodel import select

from ingest import review, store
from ingest.claims.model import Claim
from ingest.errors import InvalidActionError, NotFoundError
from ingest.extract import ExtractedArticle, content_hash
from ingest.models import ReviewLog


def figure(value, *, low=None, high=None, bound="=", actor=None, index=0, **kw):
    low = value if low is None and bound == "=" else low
    high = value if high is None and bound == "=" else high
    base = dict(sentence=f"s{index}", quote=str(value), start=0, end=2, value=value,
                bound=bound, low=low, high=high, approx=False, measure="killed",
                subject="soldiers", actor=actor, attributed_to=actor, place="makiivka",
                event_date=date(2023, 1, 1), event="makiivka/2023-01-01", sentence_index=index)
    return Claim(**(base | kw))


def ingest(session, *, source, url, claims, text=None, published=date(2023, 1, 2)):
    text = text or f"text of {url} " + " ".join(c.quote for c in claims)
    extracted = ExtractedArticle(url=url, text=text, title="t", authors=None, site_name=None,
                                 published=published, language="en", description=None,
                                 content_hash=content_hash(text))
    article, version = store.save_article_version(session=session, source=source, url=url,
                                                  extracted=extracted)
    if version is None:
        return []
    rows = store.save_claims(session=session, article=article, version=version, claims=claims,
                             window_days=7)
    return review.flag_conflicts(session=session, claims=rows, window_days=7)


def test_one_item_per_disputed_figure(session):
    assert ingest(session, source="rt", url="http://rt/1",
                  claims=[figure(63, actor="russia"), figure(60, bound=">", low=60, index=1,
                                                            actor="russia")]) == []
    items = ingest(session, source="efe", url="http://efe/1", published=date(2023, 1, 8),
                   claims=[figure(89, actor="russia"),
                           figure(400, bound=">=", low=400, actor="ukraine", index=1)])
    assert len(items) == 1
    (item,) = review.list_items(session=session)
    assert item.kind == "contradiction"
    quotes = sorted(c.quote for c in review.item_claims(session=session, item_id=item.id))
    assert quotes == ["400", "63", "89"]  # "more than 60" agrees with all: not shown
    assert item.event == "makiivka/2023-01-01" and item.measure == "killed"


def test_agreeing_figures_not_flagged(session):
    ingest(session, source="rt", url="http://rt/1", claims=[figure(2, measure="missiles_hit",
                                                                    subject="missiles")])
    ingest(session, source="efe", url="http://efe/1", claims=[figure(2, measure="missiles_hit",
                                                                      subject="missiles")])
    assert review.list_items(session=session) == []


def test_same_source_change_is_revision(session):
    ingest(session, source="rt", url="http://rt/1", claims=[figure(63, actor="russia")])
    (item,) = ingest(session, source="rt", url="http://rt/2", claims=[figure(89, actor="russia")])
    assert item.kind == "revision"


def test_rerun_adds_nothing(session):
    claims = [figure(63, actor="russia")]
    ingest(session, source="rt", url="http://rt/1", claims=claims)
    ingest(session, source="efe", url="http://efe/1", claims=[figure(400, actor="ukraine")])
    again = ingest(session, source="efe", url="http://efe/1", claims=[figure(400, actor="ukraine")])
    assert again == []
    assert len(review.list_items(session=session, status=None)) == 1


def test_changed_version_is_modified(session):
    ingest(session, source="rt", url="http://rt/1", claims=[figure(63, actor="russia")],
           text="first text 63")
    (item,) = ingest(session, source="rt", url="http://rt/1", text="second text 65",
                     claims=[figure(65, actor="russia")])
    assert item.kind == "modified"


def _flagged(session):
    ingest(session, source="rt", url="http://rt/1", claims=[figure(63, actor="russia")])
    (item,) = ingest(session, source="efe", url="http://efe/1",
                     claims=[figure(400, actor="ukraine")])
    return item


def test_claim_resolve_and_audit(session):
    item = _flagged(session)
    review.claim(session=session, item_id=item.id, reviewer="ana")
    with pytest.raises(InvalidActionError, match="held by ana"):
        review.claim(session=session, item_id=item.id, reviewer="bo")
    with pytest.raises(InvalidActionError, match="held by ana"):
        review.resolve(session=session, item_id=item.id, verdict="confirmed", note="",
                       reviewer="bo")
    review.resolve(session=session, item_id=item.id, verdict="confirmed",
                   note="Kyiv and Moscow disagree", reviewer="ana")
    view = review.get_item(session=session, item_id=item.id)
    assert view.item.status == "resolved" and view.item.verdict == "confirmed"
    assert view.item.resolved_by == "ana" and view.item.resolved_at is not None
    assert [(e.actor, e.action) for e in view.log] == [
        ("system", "opened"), ("ana", "claimed"), ("ana", "resolved")]
    with pytest.raises(InvalidActionError, match="already resolved"):
        review.resolve(session=session, item_id=item.id, verdict="confirmed", note="",
                       reviewer="ana")
    review.reopen(session=session, item_id=item.id, reviewer="bo", note="new evidence")
    assert view.item.status == "open" and view.item.verdict is None


@pytest.mark.parametrize(("verdict", "reviewer", "error"), [
    ("maybe", "ana", "unknown verdict 'maybe'"),
    ("confirmed", "  ", "reviewer name is required"),
    ("confirmed", "system", "reserved"),
])
def test_bad_reviewer_input(session, verdict, reviewer, error):
    item = _flagged(session)
    with pytest.raises(InvalidActionError, match=error):
        review.resolve(session=session, item_id=item.id, verdict=verdict, note="",
                       reviewer=reviewer)
    assert review.get_item(session=session, item_id=item.id).item.status == "open"


def test_unknown_item(session):
    with pytest.raises(NotFoundError, match="no review item with id 99"):
        review.resolve(session=session, item_id=99, verdict="confirmed", note="", reviewer="a")


def test_resolved_item_reopens_only_for_a_new_figure(session):
    item = _flagged(session)
    review.resolve(session=session, item_id=item.id, verdict="not-a-conflict", note="",
                   reviewer="ana")
    # the same figure again (another outlet repeats Kyiv's 400): attached, stays resolved
    ingest(session, source="x", url="http://x/1", claims=[figure(400, actor="ukraine")])
    assert review.get_item(session=session, item_id=item.id).item.status == "resolved"
    # a new figure: reopens
    ingest(session, source="y", url="http://y/1", claims=[figure(150, actor="someone")])
    view = review.get_item(session=session, item_id=item.id)
    assert view.item.status == "open"
    assert view.log[-1].action in ("reopened", "added_claim")
    assert any(e.action == "reopened" for e in view.log)


def test_comment(session):
    item = _flagged(session)
    review.comment(session=session, item_id=item.id, reviewer="ana", note="checking")
    with pytest.raises(InvalidActionError):
        review.comment(session=session, item_id=item.id, reviewer="ana", note=" ")
    session.flush()
    logged = session.exec(select(ReviewLog).where(ReviewLog.action == "commented")).all()
    assert [entry.detail for entry in logged] == ["checking"]


def test_wire_story_carried_by_many_outlets_makes_one_item(session):
    ingest(session, source="rt", url="http://rt/1", claims=[figure(63, actor="russia")])
    for outlet in ("efe", "afp-client-1", "afp-client-2"):
        ingest(session, source=outlet, url=f"http://{outlet}/wire",
               claims=[figure(400, bound=">=", low=400, actor="ukraine")])
    (item,) = review.list_items(session=session)
    assert len(review.item_claims(session=session, item_id=item.id)) == 4


def test_dismissed_pair_is_not_flagged_again(session):
    item = _flagged(session)  # 63 (rt) vs 400 (efe)
    review.resolve(session=session, item_id=item.id, verdict="not-a-conflict",
                   note="different incidents", reviewer="ana")
    # the RT story is revised elsewhere in its text: same figure, new version and claim ids
    ingest(session, source="rt", url="http://rt/1", claims=[figure(63, actor="russia")],
           text="revised wording, still 63")
    assert review.list_items(session=session) == []
    assert review.get_item(session=session, item_id=item.id).item.status == "resolved"


def test_an_agency_story_reprinted_by_two_outlets_is_one_text(session):
    """Within one text, a day's figures are a breakdown, not a dispute; a reprint by another
    outlet (most of its figure sentences the same) is that same text."""
    story = [figure(4, sentence="Shelling killed 4 soldiers in the morning, the army said."),
             figure(9, index=1, sentence="An ambush killed 9 soldiers by the evening.")]
    ingest(session, source="afp", url="http://ahram/1", claims=story)
    assert ingest(session, source="nna", url="http://nna/1", claims=story) == []
    assert review.list_items(session=session) == []
    # a third outlet's own figure still disputes both
    items = ingest(session, source="tass", url="http://tass/1",
                   claims=[figure(30, sentence="Thirty soldiers died, Kyiv said.")])
    assert len(items) == 1
    quotes = sorted(c.quote for c in review.item_claims(session=session, item_id=items[0].id))
    assert quotes == ["30", "4", "4", "9", "9"]


def test_an_item_shows_one_figure_not_a_chain_of_neighbouring_ones(session):
    """A city-wide toll conflicts with each of two districts' tolls, which are not one figure
    (two districts, two incidents): two items, each showing the city toll with one district,
    never one item with all three."""
    day = dict(event_date=date(2016, 10, 6), subject="civilians")
    ingest(session, source="a", url="http://a/1",
           claims=[figure(8, place="sukkari", event="sukkari/2016-10-06", **day)])
    ingest(session, source="b", url="http://b/1",
           claims=[figure(30, place="shaar", event="shaar/2016-10-06", **day)])
    ingest(session, source="c", url="http://c/1",
           claims=[figure(5, place="aleppo", event="aleppo/2016-10-06", **day)])
    shown = sorted(sorted(c.quote for c in review.item_claims(session=session, item_id=i.id))
                   for i in review.list_items(session=session))
    assert shown == [["30", "5"], ["5", "8"]]


def test_an_item_is_named_after_a_figure_not_after_no_casualties(session):
    ingest(session, source="a", url="http://a/1",
           claims=[figure(0, quote="no casualties", measure="casualties", subject="people")])
    ingest(session, source="b", url="http://b/1", claims=[figure(600, bound=">", low=600)])
    (item,) = review.list_items(session=session)
    assert (item.measure, item.subject) == ("killed", "soldiers")


def test_attaching_a_claim_twice_before_a_flush_links_it_once(session):
    from ingest.models import FigureClaim, ReviewItemClaim

    ingest(session, source="rt", url="http://rt/1", claims=[figure(63, actor="russia")])
    (item,) = ingest(session, source="kyiv", url="http://kyiv/1",
                     claims=[figure(400, bound=">=", low=400, actor="ukraine")])
    ingest(session, source="x", url="http://x/1",  # elsewhere: joins no item
           claims=[figure(5, place="kyiv", event="kyiv/2023-01-01"),
                   figure(6, place="kyiv", event="kyiv/2023-01-01", index=1)])
    five, six = (session.exec(select(FigureClaim).where(FigureClaim.quote == quote)).one()
                 for quote in ("5", "6"))

    def links_to(claim):
        return len(session.exec(select(ReviewItemClaim)
                                .where(ReviewItemClaim.item_id == item.id)
                                .where(ReviewItemClaim.claim_id == claim.id)).all())

    review._attach(session, item, five, "one")
    review._attach(session, item, five, "two")  # not flushed in between
    session.flush()
    assert links_to(five) == 1
    savepoint = session.begin_nested()  # a link rolled back with its savepoint is gone...
    review._attach(session, item, six, "tentative")
    savepoint.rollback()
    review._attach(session, item, six, "kept")  # ...and attaching it again links it
    session.flush()
    assert links_to(six) == 1
