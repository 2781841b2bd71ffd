"""The queue functions behind the web workspace: filters, pages, counts, next item, assign."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from ingest import review
from ingest.errors import InvalidActionError
from ingest.models import ReviewItem, ReviewLog
from tests.web_seed import seed


@pytest.fixture
def ids(session):
    return seed(session)


def event_of(page):
    return [row.item.event for row in page.rows]


def test_filters_and_counts(session, ids):
    page = review.queue_page(session=session)
    assert len(page.rows) == 3 and page.next_cursor is None
    assert page.counts == {"open": 3, "claimed": 0, "resolved": 0, "merged": 0}
    priorities = [row.item.priority for row in page.rows]
    assert priorities == sorted(priorities, reverse=True)
    by = review.QueueFilter
    assert event_of(review.queue_page(session=session, filters=by(outlet="reuters"))) == [
        "kramatorsk/2023-01-08"]
    assert event_of(review.queue_page(session=session, filters=by(kind="modified"))) == [
        "donetsk/2023-01-02"]
    assert event_of(review.queue_page(session=session,
                                      filters=by(event="makiivka/2023-01-01"))) == [
        "makiivka/2023-01-01"]
    assert len(review.queue_page(session=session, filters=by(measure="killed")).rows) == 3
    assert review.queue_page(session=session, filters=by(measure="injured")).rows == []
    today = date.today()
    assert len(review.queue_page(session=session, filters=by(flagged_from=today,
                                                             flagged_to=today)).rows) == 3
    assert review.queue_page(session=session,
                             filters=by(flagged_to=today - timedelta(days=1))).rows == []
    first = review.queue_page(session=session).rows[0].claims
    assert {c.source for c in first} == {"rt", "reuters"}


def test_counts_ignore_the_status_filter(session, ids):
    review.resolve(session=session, item_id=ids["donetsk"], verdict="updated-figure",
                   note=None, reviewer="ana")
    page = review.queue_page(session=session, filters=review.QueueFilter(status="resolved"))
    assert event_of(page) == ["donetsk/2023-01-02"]
    assert page.counts == {"open": 2, "claimed": 0, "resolved": 1, "merged": 0}


@pytest.mark.parametrize("sort", ["priority", "newest"])
def test_keyset_pages_cover_everything_once(session, ids, sort):
    seen, after = [], None
    while True:
        page = review.queue_page(session=session, filters=review.QueueFilter(status=None),
                                 sort=sort, limit=1, after=after)
        seen += [row.item.id for row in page.rows]
        after = page.next_cursor
        if after is None:
            break
    assert sorted(seen) == sorted(ids[k] for k in ("makiivka", "kramatorsk", "donetsk"))
    assert len(seen) == 3
    if sort == "newest":
        assert seen == sorted(seen, reverse=True)


def test_bad_cursor_and_sort(session, ids):
    with pytest.raises(InvalidActionError, match="cursor"):
        review.queue_page(session=session, after="nonsense")
    with pytest.raises(InvalidActionError, match="sort"):
        review.queue_page(session=session, sort="random")


def test_next_item_takes_the_highest_priority_open_item(session, ids):
    first = review.next_item(session=session, reviewer="ana")
    second = review.next_item(session=session, reviewer="bo")
    assert first.id == ids["kramatorsk"] and first.assignee == "ana"
    assert second.id == ids["makiivka"] and second.assignee == "bo"
    review.next_item(session=session, reviewer="ana")
    assert review.next_item(session=session, reviewer="bo") is None
    log = session.exec(select(ReviewLog).where(ReviewLog.item_id == first.id)
                       .where(ReviewLog.action == "claimed")).one()
    assert log.actor == "ana"


def test_two_reviewers_never_hold_one_item(session, ids):
    item_id = ids["makiivka"]
    review.assign(session=session, item_id=item_id, reviewer="ana", assignee="ana")
    with pytest.raises(InvalidActionError, match="held by ana"):
        review.assign(session=session, item_id=item_id, reviewer="bo", assignee="bo")
    with pytest.raises(InvalidActionError, match="held by ana"):
        review.claim(session=session, item_id=item_id, reviewer="bo")
    # the holder hands it over to another account
    item = review.assign(session=session, item_id=item_id, reviewer="ana", assignee="bo")
    assert (item.status, item.assignee) == ("claimed", "bo")
    actions = [e.action for e in review.get_item(session=session, item_id=item_id).log]
    assert actions[-2:] == ["claimed", "assigned"]


def test_assign_needs_an_active_account(session, ids):
    with pytest.raises(InvalidActionError, match="no active reviewer account 'zoe'"):
        review.assign(session=session, item_id=ids["makiivka"], reviewer="ana",
                      assignee="zoe")


def test_assign_refuses_resolved_items(session, ids):
    review.resolve(session=session, item_id=ids["makiivka"], verdict="confirmed", note="x",
                   reviewer="ana")
    with pytest.raises(InvalidActionError, match="resolved, not open"):
        review.assign(session=session, item_id=ids["makiivka"], reviewer="bo", assignee="bo")


def test_conditional_update_wins_over_a_stale_read(settings, ids_committed):
    """A reviewer whose page showed the item open is refused once another took it."""
    from ingest.db import session_scope

    item_id = ids_committed["makiivka"]
    with session_scope(settings.database_url) as first, \
            session_scope(settings.database_url) as second:
        stale = second.get(ReviewItem, item_id)
        assert stale.status == "open"
        review.assign(session=first, item_id=item_id, reviewer="ana", assignee="ana")
        first.commit()
        assert not review._take(second, item_id, holder="bo", assignee="bo")


@pytest.fixture
def ids_committed(settings):
    from ingest.db import session_scope

    with session_scope(settings.database_url) as session:
        return seed(session)
