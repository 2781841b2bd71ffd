"""The review queue: flagging conflicts into items, and the reviewers' actions on them.

An item groups every claim in conflict about one disputed figure. Statuses::

    open ──claim──> claimed ──resolve──> resolved
      ^               │                     │
      └───release─────┘        reopen / a new, different figure
      └─────────────────────────────────────┘

    merged: two items turned out to dispute one figure; the younger one was folded into
    the older (``merged_into``) with all its claims.

Every change is written to ``review_log`` with who did it and when.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, text, tuple_, update
from sqlmodel import Session, col, select

from ingest import store
from ingest.conflicts import find_conflicts, overlaps, priority, same_figure, strongest
from ingest.errors import InvalidActionError, NotFoundError
from ingest.models import (
    Article,
    ArticleVersion,
    FigureClaim,
    Reviewer,
    ReviewItem,
    ReviewItemClaim,
    ReviewLog,
    utcnow,
)

VERDICTS = ("confirmed", "not-a-conflict", "updated-figure", "extraction-error")
STATUSES = ("open", "claimed", "resolved", "merged")
KINDS = ("contradiction", "revision", "modified")
SORTS = ("priority", "newest")
MAX_PAGE = 200
SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class ClaimEvidence:
    claim: FigureClaim
    article: Article
    version: ArticleVersion
    reason: str | None


@dataclass(frozen=True, slots=True)
class ItemView:
    item: ReviewItem
    claims: list[ClaimEvidence]  # newest first
    log: list[ReviewLog]


# -- flagging ------------------------------------------------------------------------------


def flag_conflicts(
    *, session: Session, claims: Sequence[FigureClaim], window_days: int
) -> list[ReviewItem]:
    """Check each new claim against earlier claims; open or join review items.

    An item shows one disputed figure: a claim joins an item only when it counts the same
    figure as every claim already there (``conflicts.same_figure``), and two items are folded
    into one only when all their claims do. A conflicting claim that fits none of the items
    the new claim joins is shown with it in an item of its own, so every conflict found is
    shown, and no item grows into a chain of neighbouring figures.
    """
    touched: dict[int, ReviewItem] = {}
    previous: dict[int, list[FigureClaim]] = {}  # claims of the version before, per version
    members: dict[int, list[FigureClaim]] = {}  # claims of the items seen, per item
    lookups: dict = {}  # candidate lookups of these claims (nothing is stored meanwhile)
    for claim in claims:
        if not (claim.place and claim.measure and claim.subject):
            continue  # a figure without place, measure or subject is compared with nothing
        if claim.version_id not in previous:
            previous[claim.version_id] = store.previous_version_claims(
                session=session, article_id=claim.article_id, version_id=claim.version_id
            )
        candidates = store.comparable_candidates(
            session=session, claim=claim, window_days=window_days, cache=lookups
        ) + previous[claim.version_id]
        conflicts = find_conflicts(claim, candidates, window_days=window_days)
        if not conflicts:
            continue
        for item in _place_conflicts(session, claim, conflicts, members,
                                     window_days=window_days):
            touched[item.id] = item  # ``members`` holds its claims as they are now
    live = [item for item in touched.values() if item.status != "merged"]
    for item in live:
        item.priority = priority(item_claims(session=session, item_id=item.id), kind=item.kind,
                                 today=date.today())
        item.updated_at = utcnow()
        session.add(item)
    session.flush()
    return live


def _members(session: Session, cache: dict[int, list[FigureClaim]],
             item: ReviewItem) -> list[FigureClaim]:
    if item.id not in cache:
        cache[item.id] = item_claims(session=session, item_id=item.id)
    return cache[item.id]


def _fits(group: Sequence[FigureClaim], claim: FigureClaim, *, window_days: int) -> bool:
    """Does ``claim`` count the same figure as every claim of ``group``?"""
    return all(m.id == claim.id or same_figure(m, claim, window_days=window_days)
               for m in group)


def _place_conflicts(
    session: Session, claim: FigureClaim, conflicts: Sequence, cache: dict,
    *, window_days: int,
) -> list[ReviewItem]:
    """Put ``claim`` and the claims it conflicts with into items; the items touched.

    The items already showing any of them that ``claim`` fits take it, and each of the
    others that fits them too (items that all fit one another are folded into the oldest);
    the others start an item of their own with ``claim``."""
    others = [c.other for c in conflicts]
    kinds = {c.other.id: c.kind for c in conflicts}
    reasons = {c.other.id: c.reason for c in conflicts}
    fitting = [item for item in _items_for(session=session, claims=[claim, *others])
               if _fits(_members(session, cache, item), claim, window_days=window_days)]
    targets: list[ReviewItem] = []
    for item in fitting:
        folded = _members(session, cache, item)
        into = next((t for t in targets if all(
            _fits(_members(session, cache, t), m, window_days=window_days) for m in folded)),
            None)
        if into is None:
            targets.append(item)
            continue
        _merge(session, into=into, other=item)
        group = _members(session, cache, into)
        cache[into.id] = group + [m for m in folded if m.id not in {g.id for g in group}]
    placed: list[ReviewItem] = []
    waiting = list(others)
    for item in [*targets, *([None] * len(others))]:
        if not waiting:
            break
        group = list(_members(session, cache, item)) if item is not None else []
        joined = [claim]
        for other in list(waiting):
            if _fits(group + joined, other, window_days=window_days):
                joined.append(other)
                waiting.remove(other)
        if len(joined) == 1:
            continue
        kind = strongest(kinds[c.id] for c in joined[1:])
        reason = reasons[joined[1].id]
        if item is None:  # named after a figure, not after "no casualties"
            basis = next((c for c in joined if not (c.low == 0 and c.high == 0)), claim)
            item = _open_item(session, basis, kind, reason)
        else:
            item.kind = strongest([item.kind, kind])
            if item.status == "resolved" and _is_new_figure(session, item, claim):
                item.status = "open"
                item.assignee = None
                _log(session, item, SYSTEM, "reopened", f"new figure: {reason}")
        linked = {m.id for m in group}  # the item's claims as last read: linked already
        for member in joined:
            if member.id not in linked:
                _attach(session, item, member, reasons.get(member.id, reason))
        cache[item.id] = group + [m for m in joined if m.id not in linked]
        placed.append(item)
    return placed


def _open_item(session: Session, claim: FigureClaim, kind: str, reason: str) -> ReviewItem:
    item = ReviewItem(kind=kind, event=claim.event, place=claim.place, measure=claim.measure,
                      subject=claim.subject)
    session.add(item)
    session.flush()
    _log(session, item, SYSTEM, "opened", reason)
    return item


def _items_for(*, session: Session, claims: Sequence[FigureClaim]) -> list[ReviewItem]:
    """Items already showing any of ``claims``, oldest first."""
    ids = [c.id for c in claims]
    return list(
        session.exec(
            select(ReviewItem)
            .join(ReviewItemClaim, col(ReviewItemClaim.item_id) == ReviewItem.id)
            .where(col(ReviewItemClaim.claim_id).in_(ids))
            .where(ReviewItem.status != "merged")
            .order_by(col(ReviewItem.id))
            .distinct()
        )
    )


def _merge(session: Session, *, into: ReviewItem, other: ReviewItem) -> None:
    """Claims found to dispute one figure end in one item: ``other`` is folded into ``into``."""
    for link in session.exec(select(ReviewItemClaim).where(ReviewItemClaim.item_id == other.id)):
        if session.get(ReviewItemClaim, (into.id, link.claim_id)) is None:
            session.add(ReviewItemClaim(item_id=into.id, claim_id=link.claim_id,
                                        reason=link.reason))
    into.kind = strongest([into.kind, other.kind])
    other.status, other.merged_into, other.assignee = "merged", into.id, None
    other.updated_at = utcnow()
    session.add(other)
    _log(session, other, SYSTEM, "merged", f"into item {into.id}")
    _log(session, into, SYSTEM, "merged", f"item {other.id} folded in")
    session.flush()


def _is_new_figure(session: Session, item: ReviewItem, claim: FigureClaim) -> bool:
    """A resolved item reopens only for a figure none of its claims already states."""
    return not any(overlaps(claim, member) for member in item_claims(session=session,
                                                                       item_id=item.id))


def _attach(session: Session, item: ReviewItem, claim: FigureClaim, reason: str | None) -> None:
    # links added since the last flush are not in the identity map yet: the session keeps
    # them by key (one rolled back with its savepoint has left the session, and no longer
    # counts), so attaching needs no flush per link
    added = session.info.setdefault("review_links", {})
    pending = added.get((item.id, claim.id))
    if pending is not None and pending in session:
        return
    with session.no_autoflush:  # what is pending is in ``added``
        if session.get(ReviewItemClaim, (item.id, claim.id)) is not None:
            return
    link = ReviewItemClaim(item_id=item.id, claim_id=claim.id, reason=reason)
    session.add(link)
    added[item.id, claim.id] = link
    if item.created_at and claim.created_at and claim.created_at > item.created_at:
        _log(session, item, SYSTEM, "added_claim", f"claim {claim.id}: {claim.quote!r}")


def _log(session: Session, item: ReviewItem, actor: str, action: str, detail: str | None):
    session.add(ReviewLog(item_id=item.id, actor=actor, action=action, detail=detail))


# -- reading -------------------------------------------------------------------------------


def item_claims(*, session: Session, item_id: int) -> list[FigureClaim]:
    return list(
        session.exec(
            select(FigureClaim)
            .join(ReviewItemClaim, col(ReviewItemClaim.claim_id) == FigureClaim.id)
            .where(ReviewItemClaim.item_id == item_id)
            .order_by(col(FigureClaim.published_at).desc(), col(FigureClaim.id).desc())
        )
    )


def list_items(
    *, session: Session, status: str | None = "unresolved", limit: int | None = None
) -> list[ReviewItem]:
    """Items, newest first. ``status``: open, claimed, resolved, unresolved or None (all)."""
    query = select(ReviewItem)
    if status == "unresolved":
        query = query.where(col(ReviewItem.status).in_(("open", "claimed")))
    elif status is not None:
        if status not in STATUSES:
            raise InvalidActionError(
                f"unknown status {status!r}; use one of {', '.join(STATUSES)}, unresolved, all"
            )
        query = query.where(ReviewItem.status == status)
    query = query.order_by(col(ReviewItem.created_at).desc(), col(ReviewItem.id).desc())
    if limit:
        query = query.limit(limit)
    return list(session.exec(query))


def get_item(*, session: Session, item_id: int) -> ItemView:
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFoundError(f"no review item with id {item_id}")
    rows = session.exec(
        select(FigureClaim, Article, ArticleVersion, ReviewItemClaim.reason)
        .join(ReviewItemClaim, col(ReviewItemClaim.claim_id) == FigureClaim.id)
        .join(Article, col(Article.id) == FigureClaim.article_id)
        .join(ArticleVersion, col(ArticleVersion.id) == FigureClaim.version_id)
        .where(ReviewItemClaim.item_id == item_id)
        .order_by(col(FigureClaim.published_at).desc(), col(FigureClaim.id).desc())
    ).all()
    log = list(
        session.exec(
            select(ReviewLog).where(ReviewLog.item_id == item_id).order_by(col(ReviewLog.id))
        )
    )
    return ItemView(
        item=item,
        claims=[ClaimEvidence(c, a, v, r) for c, a, v, r in rows],
        log=log,
    )


# -- reviewers' actions --------------------------------------------------------------------


def _reviewer(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidActionError("a reviewer name is required")
    if name == SYSTEM:
        raise InvalidActionError(f"{SYSTEM!r} is reserved")
    return name


def _load(session: Session, item_id: int) -> ReviewItem:
    # on PostgreSQL the row stays locked until commit: two reviewers' actions queue up
    item = session.get(ReviewItem, item_id, with_for_update=_is_postgres(session) or None)
    if item is None:
        raise NotFoundError(f"no review item with id {item_id}")
    return item


def claim(*, session: Session, item_id: int, reviewer: str) -> ReviewItem:
    """Take an open item; nobody else can resolve it until it is released. The same
    atomic path as :func:`assign`, so the command line and the web cannot both win."""
    return assign(session=session, item_id=item_id, reviewer=reviewer, assignee=reviewer)


def release(*, session: Session, item_id: int, reviewer: str) -> ReviewItem:
    reviewer = _reviewer(reviewer)
    item = _load(session, item_id)
    if item.status != "claimed" or item.assignee != reviewer:
        raise InvalidActionError(f"item {item_id} is not held by {reviewer}")
    item.status, item.assignee, item.updated_at = "open", None, utcnow()
    session.add(item)
    _log(session, item, reviewer, "released", None)
    return item


def resolve(
    *, session: Session, item_id: int, verdict: str, note: str | None, reviewer: str
) -> ReviewItem:
    reviewer = _reviewer(reviewer)
    if verdict not in VERDICTS:
        raise InvalidActionError(
            f"unknown verdict {verdict!r}; use one of {', '.join(VERDICTS)}"
        )
    item = _load(session, item_id)
    if item.status == "resolved":
        raise InvalidActionError(
            f"item {item_id} is already resolved ({item.verdict} by {item.resolved_by})"
        )
    if item.status == "claimed" and item.assignee != reviewer:
        raise InvalidActionError(f"item {item_id} is held by {item.assignee}")
    now = utcnow()
    item.status, item.verdict, item.note = "resolved", verdict, (note or "").strip() or None
    item.resolved_by, item.resolved_at, item.updated_at = reviewer, now, now
    item.assignee = None
    session.add(item)
    _log(session, item, reviewer, "resolved", f"{verdict}: {item.note or ''}".strip())
    return item


def reopen(*, session: Session, item_id: int, reviewer: str, note: str | None = None):
    reviewer = _reviewer(reviewer)
    item = _load(session, item_id)
    if item.status != "resolved":
        raise InvalidActionError(f"item {item_id} is not resolved")
    item.status, item.verdict, item.resolved_by, item.resolved_at = "open", None, None, None
    item.updated_at = utcnow()
    session.add(item)
    _log(session, item, reviewer, "reopened", note)
    return item


def comment(*, session: Session, item_id: int, reviewer: str, note: str) -> ReviewLog:
    reviewer = _reviewer(reviewer)
    if not (note or "").strip():
        raise InvalidActionError("a comment needs text")
    item = _load(session, item_id)
    entry = ReviewLog(item_id=item.id, actor=reviewer, action="commented", detail=note.strip())
    session.add(entry)
    return entry


# -- the reviewers' workspace: filtered queue, next item, assignment -----------------------


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows. ``status``: a status, ``unresolved`` (open and claimed) or None
    (all); ``outlet``: items with a claim from this source; ``flagged_from``/``flagged_to``:
    the day the item was opened (UTC), both included."""

    status: str | None = "unresolved"
    kind: str | None = None
    event: str | None = None
    outlet: str | None = None
    measure: str | None = None
    flagged_from: date | None = None
    flagged_to: date | None = None


@dataclass(frozen=True, slots=True)
class QueueRow:
    item: ReviewItem
    claims: list[FigureClaim]  # newest first


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: list[QueueRow]
    counts: dict[str, int]  # per status, under the other filters
    next_cursor: str | None  # pass as ``after`` for the following page


def _conditions(filters: QueueFilter, *, with_status: bool = True) -> list:
    where = []
    if with_status and filters.status == "unresolved":
        where.append(col(ReviewItem.status).in_(("open", "claimed")))
    elif with_status and filters.status is not None:
        if filters.status not in STATUSES:
            raise InvalidActionError(
                f"unknown status {filters.status!r}; use one of {', '.join(STATUSES)}, "
                "unresolved, all"
            )
        where.append(ReviewItem.status == filters.status)
    if filters.kind:
        where.append(ReviewItem.kind == filters.kind)
    if filters.event:
        where.append(ReviewItem.event == filters.event)
    if filters.measure:
        where.append(ReviewItem.measure == filters.measure)
    if filters.outlet:
        # the outlet's claims (index on figure_claim.source) -> their items
        where.append(col(ReviewItem.id).in_(
            select(ReviewItemClaim.item_id)
            .join(FigureClaim, col(FigureClaim.id) == ReviewItemClaim.claim_id)
            .where(FigureClaim.source == filters.outlet)
        ))
    if filters.flagged_from:
        where.append(col(ReviewItem.created_at) >= _day_start(filters.flagged_from))
    if filters.flagged_to:
        where.append(col(ReviewItem.created_at)
                     < _day_start(filters.flagged_to + timedelta(days=1)))
    return where


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _sort_key(sort: str) -> tuple:
    if sort == "priority":
        return col(ReviewItem.priority), col(ReviewItem.id)
    if sort == "newest":
        return col(ReviewItem.created_at), col(ReviewItem.id)
    raise InvalidActionError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")


def _cursor(item: ReviewItem, sort: str) -> str:
    """Opaque and URL-safe: the sort key and id of the last item of a page."""
    value = repr(item.priority) if sort == "priority" else item.created_at.isoformat()
    return base64.urlsafe_b64encode(f"{value}~{item.id}".encode()).decode().rstrip("=")


def _parse_cursor(cursor: str, sort: str) -> tuple:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, item_id = text.rsplit("~", 1)
        key = float(value) if sort == "priority" else datetime.fromisoformat(value)
        return key, int(item_id)
    except (ValueError, UnicodeDecodeError):
        raise InvalidActionError(f"bad page cursor {cursor!r}") from None


def queue_page(
    *,
    session: Session,
    filters: QueueFilter = QueueFilter(),
    sort: str = "priority",
    limit: int = 50,
    after: str | None = None,
) -> QueuePage:
    """One page of the queue (highest priority or newest first), its claims, and the counts
    per status. Pages are keyset-paginated: ``after`` is the previous page's cursor."""
    limit = max(1, min(limit, MAX_PAGE))
    first, second = _sort_key(sort)
    query = select(ReviewItem).where(*_conditions(filters))
    if after:
        query = query.where(tuple_(first, second) < tuple_(*_parse_cursor(after, sort)))
    items = list(session.exec(query.order_by(first.desc(), second.desc()).limit(limit + 1)))
    more = len(items) > limit
    items = items[:limit]
    members: dict[int, list[FigureClaim]] = {item.id: [] for item in items}
    if items:
        for item_id, claim_row in session.exec(
            select(ReviewItemClaim.item_id, FigureClaim)
            .join(FigureClaim, col(FigureClaim.id) == ReviewItemClaim.claim_id)
            .where(col(ReviewItemClaim.item_id).in_(list(members)))
            .order_by(col(FigureClaim.published_at).desc(), col(FigureClaim.id).desc())
        ):
            members[item_id].append(claim_row)
    return QueuePage(
        rows=[QueueRow(item, members[item.id]) for item in items],
        counts=queue_counts(session=session, filters=filters),
        next_cursor=_cursor(items[-1], sort) if more else None,
    )


def queue_counts(*, session: Session, filters: QueueFilter = QueueFilter()) -> dict[str, int]:
    """Items per status (one GROUP BY), under every filter but the status."""
    rows = session.exec(
        select(ReviewItem.status, func.count())
        .where(*_conditions(filters, with_status=False))
        .group_by(ReviewItem.status)
    ).all()
    return {status: 0 for status in STATUSES} | dict(rows)


# a loose index scan: one index probe per distinct measure instead of reading every item
_DISTINCT_MEASURES = text("""
    WITH RECURSIVE m(x) AS (
        SELECT min(measure) FROM review_item
        UNION ALL
        SELECT (SELECT min(measure) FROM review_item WHERE measure > m.x) FROM m
        WHERE m.x IS NOT NULL
    )
    SELECT x FROM m WHERE x IS NOT NULL
""")


def queue_choices(*, session: Session) -> dict[str, list[str]]:
    """Values offered by the queue's filters."""
    outlets = session.exec(select(Article.source).distinct().order_by(Article.source)).all()
    measures = [row[0] for row in session.execute(_DISTINCT_MEASURES)]
    return {"status": ["unresolved", *STATUSES, "all"], "kind": list(KINDS),
            "outlet": list(outlets), "measure": list(measures), "sort": list(SORTS),
            "verdict": list(VERDICTS)}


def _take(session: Session, item_id: int, *, holder: str, assignee: str) -> bool:
    """Atomically hand an open item (or one ``holder`` holds) to ``assignee``."""
    result = session.exec(
        update(ReviewItem)
        .where(col(ReviewItem.id) == item_id)
        .where(or_(ReviewItem.status == "open",
                   and_(ReviewItem.status == "claimed", ReviewItem.assignee == holder)))
        .values(status="claimed", assignee=assignee, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def assign(*, session: Session, item_id: int, reviewer: str, assignee: str) -> ReviewItem:
    """Give an open item (or one ``reviewer`` holds) to ``assignee``; ``assignee ==
    reviewer`` is claiming it. Atomic: of two reviewers taking one item, one is refused.
    Someone else can be given the item only if they have an active account."""
    reviewer, assignee = _reviewer(reviewer), _reviewer(assignee)
    item = _load(session, item_id)
    if assignee != reviewer and session.exec(
        select(Reviewer.id).where(Reviewer.username == assignee)
        .where(col(Reviewer.active).is_(True))
    ).first() is None:
        raise InvalidActionError(f"no active reviewer account {assignee!r}")
    if not _take(session, item_id, holder=reviewer, assignee=assignee):
        session.refresh(item)
        if item.status == "claimed":
            raise InvalidActionError(f"item {item_id} is held by {item.assignee}")
        raise InvalidActionError(f"item {item_id} is {item.status}, not open")
    session.refresh(item)
    if assignee == reviewer:
        _log(session, item, reviewer, "claimed", None)
    else:
        _log(session, item, reviewer, "assigned", f"to {assignee}")
    session.flush()
    return item


def next_item(
    *, session: Session, reviewer: str, filters: QueueFilter = QueueFilter(status="open")
) -> ReviewItem | None:
    """Claim the highest-priority open item for ``reviewer`` (None when nothing is open).

    On PostgreSQL the candidate row is read ``FOR UPDATE SKIP LOCKED``, so reviewers asking
    at the same moment get different items without waiting; everywhere the claim itself is
    a conditional UPDATE, so an item taken meanwhile is skipped."""
    reviewer = _reviewer(reviewer)
    filters = QueueFilter(**{**_asdict(filters), "status": "open"})
    for _attempt in range(20):
        query = (
            select(ReviewItem.id)
            .where(*_conditions(filters))
            .order_by(col(ReviewItem.priority).desc(), col(ReviewItem.id).desc())
            .limit(1)
        )
        if _is_postgres(session):
            query = query.with_for_update(skip_locked=True)
        item_id = session.exec(query).first()
        if item_id is None:
            return None
        if _take(session, item_id, holder=reviewer, assignee=reviewer):
            item = _load(session, item_id)
            session.refresh(item)
            _log(session, item, reviewer, "claimed", "next item")
            session.flush()
            return item
    return None


def _asdict(filters: QueueFilter) -> dict:
    return {name: getattr(filters, name) for name in QueueFilter.__slots__}
