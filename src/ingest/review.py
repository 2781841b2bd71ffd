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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from ingest import store
from ingest.conflicts import find_conflicts, overlaps, priority, strongest
from ingest.errors import InvalidActionError, NotFoundError
from ingest.models import (
    Article,
    ArticleVersion,
    FigureClaim,
    ReviewItem,
    ReviewItemClaim,
    ReviewLog,
    utcnow,
)

VERDICTS = ("confirmed", "not-a-conflict", "updated-figure", "extraction-error")
STATUSES = ("open", "claimed", "resolved", "merged")
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
    """Check each new claim against earlier claims; open or join review items."""
    touched: dict[int, ReviewItem] = {}
    for claim in claims:
        candidates = store.comparable_candidates(
            session=session, claim=claim, window_days=window_days
        )
        candidates += store.previous_version_claims(
            session=session, article_id=claim.article_id, version_id=claim.version_id
        )
        conflicts = find_conflicts(claim, candidates, window_days=window_days)
        if not conflicts:
            continue
        involved = [claim] + [c.other for c in conflicts]
        items = _items_for(session=session, claims=involved)
        kind = strongest(c.kind for c in conflicts)
        item = items[0] if items else None
        for other in items[1:]:
            _merge(session, into=item, other=other)
        if item is None:
            item = ReviewItem(
                kind=kind,
                event=claim.event,
                place=claim.place,
                measure=claim.measure,
                subject=claim.subject,
            )
            session.add(item)
            session.flush()
            _log(session, item, SYSTEM, "opened", conflicts[0].reason)
        else:
            item.kind = strongest([item.kind, kind])
            if item.status == "resolved" and _is_new_figure(session, item, claim):
                item.status = "open"
                item.assignee = None
                _log(session, item, SYSTEM, "reopened", f"new figure: {conflicts[0].reason}")
        reasons = {c.other.id: c.reason for c in conflicts}
        reasons[claim.id] = conflicts[0].reason
        for member in involved:
            _attach(session, item, member, reasons.get(member.id))
        touched[item.id] = item
    live = [item for item in touched.values() if item.status != "merged"]
    for item in live:
        members = item_claims(session=session, item_id=item.id)
        item.priority = priority(members, kind=item.kind, today=date.today())
        item.updated_at = utcnow()
        session.add(item)
    session.flush()
    return live


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
    if session.get(ReviewItemClaim, (item.id, claim.id)) is not None:
        return
    session.add(ReviewItemClaim(item_id=item.id, claim_id=claim.id, reason=reason))
    if item.created_at and claim.created_at and claim.created_at > item.created_at:
        _log(session, item, SYSTEM, "added_claim", f"claim {claim.id}: {claim.quote!r}")
    session.flush()


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


def status_counts(*, session: Session) -> dict[str, int]:
    rows = session.exec(
        select(ReviewItem.status, func.count()).group_by(ReviewItem.status)
    ).all()
    return {status: 0 for status in STATUSES} | dict(rows)


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
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFoundError(f"no review item with id {item_id}")
    return item


def claim(*, session: Session, item_id: int, reviewer: str) -> ReviewItem:
    """Take an open item; nobody else can resolve it until it is released."""
    reviewer = _reviewer(reviewer)
    item = _load(session, item_id)
    if item.status == "resolved":
        raise InvalidActionError(f"item {item_id} is already resolved")
    if item.status == "claimed" and item.assignee != reviewer:
        raise InvalidActionError(f"item {item_id} is held by {item.assignee}")
    item.status, item.assignee, item.updated_at = "claimed", reviewer, utcnow()
    session.add(item)
    _log(session, item, reviewer, "claimed", None)
    return item


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
