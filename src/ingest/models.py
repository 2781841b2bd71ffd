"""Database tables (SQLModel).

::

    article ──< article_version ──< figure_claim >── review_item_claim ──< review_item
                                                                          └──< review_log
    run ──< url_outcome
    reviewer ──< web_session
    host_slot                 (per-host politeness shared by every worker)

Times are timezone-aware UTC datetimes (SQLModel stores them as UTC on every backend);
publication and event dates are plain dates.

The schema is versioned with Alembic (``src/ingest/migrations``): a change to these classes
needs a new revision there (``tests/test_db.py`` fails when they differ).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


class Article(SQLModel, table=True):
    """One article URL of one outlet; its text lives in its versions."""

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, index=True)
    source: str = Field(index=True)
    title: str | None = None
    published_at: date | None = None
    first_seen_at: datetime = Field(default_factory=utcnow)
    last_checked_at: datetime = Field(default_factory=utcnow)
    latest_version: int = 0
    etag: str | None = None
    last_modified: str | None = None


class ArticleVersion(SQLModel, table=True):
    """The text of an article as fetched at one time; a new row only when the text changed."""

    __tablename__ = "article_version"
    __table_args__ = (UniqueConstraint("article_id", "version", name="uq_article_version"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    version: int
    content_hash: str = Field(index=True)
    fetched_at: datetime = Field(default_factory=utcnow)
    final_url: str
    title: str | None = None
    authors: str | None = None
    site_name: str | None = None
    published_at: date | None = None
    language: str | None = None
    description: str | None = Field(default=None, sa_column=Column(Text))
    text: str = Field(sa_column=Column(Text, nullable=False))
    modified_at: date | None = None  # the page's own "updated" date
    update_note: str | None = Field(default=None, sa_column=Column(Text))  # "Correction: ..."


class FigureClaim(SQLModel, table=True):
    """A figure stated in one article version (see ``ingest.claims.Claim``)."""

    __tablename__ = "figure_claim"
    __table_args__ = (
        UniqueConstraint("version_id", "sentence_index", "start", name="uq_figure_claim_position"),
        # the conflict lookups (store.comparable_candidates, store._linked_event): a date
        # window within one place and measure (by event date, else publication, else when
        # stored: conflicts.claim_date), or one place and kind of incident
        Index("ix_figure_claim_place_measure_dates", "place", "measure", "event_date",
              "published_at", "created_at"),
        Index("ix_figure_claim_place_kind_date", "place", "incident_kind", "event_date"),
        # claims about places the gazetteer lacks, by the known place they lie in
        Index("ix_figure_claim_area_measure_dates", "area", "measure", "event_date",
              "published_at", "created_at"),
        Index("ix_figure_claim_source", "source"),  # the queue's outlet filter
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    version_id: int = Field(foreign_key="article_version.id", index=True)
    source: str
    published_at: date | None = None
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    sentence_index: int
    quote: str
    start: int
    end: int
    value: float | None = None
    bound: str
    low: float | None = None
    high: float | None = None
    approx: bool = False
    measure: str | None = None
    subject: str | None = None
    subject_text: str | None = None
    attributed_to: str | None = None
    actor: str | None = None
    place: str | None = None
    event_date: date | None = None
    event: str | None = Field(default=None, index=True)
    unit: str | None = None
    in_title: bool = False
    stance: str | None = None
    incident_kind: str | None = None
    setting: str | None = Field(default=None, sa_column=Column(Text))  # places the article
    # names, space-separated keys (see ``conflicts.same_place``)
    sentence_hash: str | None = Field(default=None, index=True)  # finds wire copies
    text_id: int | None = None  # the version whose text this one copies (else its own id)
    part: bool = False  # one place's share of a breakdown (see ``claims.Claim.part``)
    side: str | None = None  # who carried the incident out (``claims.incidents``)
    area: str | None = None  # for a place the gazetteer lacks: the known place it lies in
    place_stated: bool = False  # the place is named in the claim's own sentence
    superseded: bool = False  # a newer version of the article replaced this claim
    created_at: datetime = Field(default_factory=utcnow)


class ReviewItem(SQLModel, table=True):
    """One disputed figure: every conflicting claim about it, and the reviewer's verdict."""

    __tablename__ = "review_item"
    __table_args__ = (
        # the reviewers' queue: filter by status, sort by priority or newest, page by id
        Index("ix_review_item_status_priority", "status", "priority", "id"),
        Index("ix_review_item_status_created", "status", "created_at", "id"),
        Index("ix_review_item_priority", "priority", "id"),
        Index("ix_review_item_measure", "measure"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)  # contradiction | revision | modified
    status: str = Field(default="open", index=True)  # open | claimed | resolved | merged
    event: str | None = Field(default=None, index=True)
    place: str | None = None
    measure: str | None = None
    subject: str | None = None
    priority: float = 0.0
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    assignee: str | None = None
    verdict: str | None = None
    note: str | None = Field(default=None, sa_column=Column(Text))
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    merged_into: int | None = None


class ReviewItemClaim(SQLModel, table=True):
    __tablename__ = "review_item_claim"

    item_id: int = Field(foreign_key="review_item.id", primary_key=True)
    claim_id: int = Field(foreign_key="figure_claim.id", primary_key=True, index=True)
    added_at: datetime = Field(default_factory=utcnow)
    reason: str | None = None  # why this claim was flagged


class ReviewLog(SQLModel, table=True):
    """Audit trail: every change to a review item, with who and when."""

    __tablename__ = "review_log"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="review_item.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str
    action: str  # opened | added_claim | merged | claimed | released | resolved | reopened | commented
    detail: str | None = Field(default=None, sa_column=Column(Text))


class Run(SQLModel, table=True):
    """One ingestion pass, with its counts; our own record, independent of Prefect's."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    trigger: str = "manual"
    flow_run_id: str | None = None
    sources: str | None = None
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON))


class UrlOutcome(SQLModel, table=True):
    """What happened to one URL (article, feed or sitemap) in one run."""

    __tablename__ = "url_outcome"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="run.id", index=True)
    source: str
    url: str
    kind: str = "article"  # article | feed | sitemap
    outcome: str  # stored | unchanged | skipped | failed
    reason: str | None = None
    message: str | None = Field(default=None, sa_column=Column(Text))
    article_id: int | None = None
    version: int | None = None
    at: datetime = Field(default_factory=utcnow)


class Reviewer(SQLModel, table=True):
    """An account of the reviewers' workspace (``ingest users add``)."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    password_hash: str  # scrypt$n$r$p$salt$hash (see ``ingest.accounts``)
    created_at: datetime = Field(default_factory=utcnow)
    active: bool = True


class WebSession(SQLModel, table=True):
    """A logged-in browser or API client; the cookie holds a random token, we keep its hash."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)
    reviewer_id: int = Field(foreign_key="reviewer.id", index=True)
    csrf_token: str
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class HostSlot(SQLModel, table=True):
    """The next time a request to ``host`` may start, shared by every worker (``hostslots``)."""

    __tablename__ = "host_slot"

    host: str = Field(primary_key=True)
    next_at: float = 0.0  # seconds since the epoch, on the database's clock
