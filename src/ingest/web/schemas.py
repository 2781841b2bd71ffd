"""What the JSON API reads and writes (the ``XPublic``/``XIn`` models of the template)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import Depends, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ingest.review import VERDICTS, QueueFilter

Verdict = Literal["confirmed", "not-a-conflict", "updated-figure", "extraction-error"]
assert set(Verdict.__args__) == set(VERDICTS)


def _blank_is_none(value):
    return None if value == "" else value


Optional = BeforeValidator(_blank_is_none)  # an empty form field means "any"
Short = Annotated[str, StringConstraints(max_length=200)]


def queue_filter(
    status: Annotated[Literal["unresolved", "open", "claimed", "resolved", "merged", "all"],
                      Query(description="unresolved = open and claimed")] = "unresolved",
    kind: Annotated[Literal["contradiction", "revision", "modified"] | None, Optional,
                    Query()] = None,
    event: Annotated[Short | None, Optional, Query(description="place/YYYY-MM-DD")] = None,
    outlet: Annotated[Short | None, Optional,
                      Query(description="items with a claim from this source")] = None,
    measure: Annotated[Short | None, Optional, Query()] = None,
    flagged_from: Annotated[date | None, Optional, Query(description="UTC day, included")]
    = None,
    flagged_to: Annotated[date | None, Optional, Query(description="UTC day, included")]
    = None,
) -> QueueFilter:
    return QueueFilter(status=None if status == "all" else status, kind=kind, event=event,
                       outlet=outlet, measure=measure, flagged_from=flagged_from,
                       flagged_to=flagged_to)


QueueFilterQuery = Annotated[QueueFilter, Depends(queue_filter)]
Sort = Annotated[Literal["priority", "newest"], Query()]
Cursor = Annotated[Short | None, Optional,
                   Query(description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200)]


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ClaimPublic(Public):
    id: int
    article_id: int
    version_id: int
    source: str
    published_at: date | None
    sentence: str
    quote: str
    start: int
    end: int
    value: float | None
    bound: str
    low: float | None
    high: float | None
    approx: bool
    measure: str | None
    subject: str | None
    attributed_to: str | None
    actor: str | None
    event: str | None
    stance: str | None
    superseded: bool


class EvidencePublic(BaseModel):
    claim: ClaimPublic
    article_url: str
    article_version: int
    reason: str | None  # why it was flagged


class ItemPublic(Public):
    id: int
    kind: str
    status: str
    event: str | None
    place: str | None
    measure: str | None
    subject: str | None
    priority: float
    created_at: datetime
    updated_at: datetime
    assignee: str | None
    verdict: str | None
    note: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    merged_into: int | None


class QueueEntry(ItemPublic):
    figures: list[str] = Field(description="each claim: figure (outlet: attribution)")


class QueuePublic(BaseModel):
    items: list[QueueEntry]
    counts: dict[str, int]
    next_cursor: str | None


class LogPublic(Public):
    at: datetime
    actor: str
    action: str
    detail: str | None


class ItemDetail(BaseModel):
    item: ItemPublic
    claims: list[EvidencePublic]
    history: list[LogPublic]


class NextItem(BaseModel):
    item: ItemPublic | None


class VersionPublic(Public):
    id: int
    version: int
    fetched_at: datetime
    final_url: str
    title: str | None
    published_at: date | None
    content_hash: str


class VersionText(VersionPublic):
    text: str
    claims: list[ClaimPublic]


class ArticlePublic(Public):
    id: int
    url: str
    source: str
    title: str | None
    published_at: date | None
    latest_version: int


class ArticleDetail(BaseModel):
    article: ArticlePublic
    versions: list[VersionPublic]


class DiffPiece(BaseModel):
    op: Literal["equal", "delete", "insert"]
    text: str
    figure: bool


class ArticleDiff(BaseModel):
    old_version: int
    new_version: int
    pieces: list[DiffPiece]
    changed_figures: list[tuple[str, str]]


class EventDetail(BaseModel):
    event: str
    claims: list[EvidencePublic]
    items: list[ItemPublic]


class Credentials(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class Me(BaseModel):
    username: str
    csrf_token: str = Field(description="send as X-CSRF-Token with every API write")


class AssignIn(BaseModel):
    assignee: str = Field(max_length=100)


class ResolveIn(BaseModel):
    verdict: Verdict
    note: str = Field("", max_length=10_000)


class NoteIn(BaseModel):
    note: str = Field("", max_length=10_000)
