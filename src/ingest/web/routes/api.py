"""The JSON API under /api: the same operations as the pages (OpenAPI at /api/openapi.json).

Authentication: ``POST /api/login`` sets the session cookie and returns the CSRF token;
every write (POST) must send it back as ``X-CSRF-Token``. ``GET /api/me`` returns it again.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from ingest import accounts, export, review
from ingest.conflicts import describe
from ingest.web import views
from ingest.web.deps import (
    SESSION_COOKIE,
    ApiUser,
    ApiWriter,
    AppSettings,
    DbSession,
)
from ingest.web.schemas import (
    ArticleDetail,
    ArticleDiff,
    AssignIn,
    Credentials,
    Cursor,
    EventDetail,
    EvidencePublic,
    ItemDetail,
    ItemPublic,
    Limit,
    Me,
    NextItem,
    NoteIn,
    QueueEntry,
    QueueFilterQuery,
    QueuePublic,
    ResolveIn,
    Sort,
    VersionText,
)

router = APIRouter(prefix="/api", tags=["api"])


def figure_text(claim) -> str:
    return f"{describe(claim)} ({claim.source}: {claim.attributed_to or 'unattributed'})"


def set_session_cookie(response: Response, token: str, settings) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=int(settings.session_hours * 3600),
                        httponly=True, samesite="lax", secure=settings.secure_cookies,
                        path="/")


# -- accounts ------------------------------------------------------------------------------


@router.post("/login", response_model=Me)
def login(credentials: Credentials, response: Response, session: DbSession,
          settings: AppSettings) -> Me:
    """Log in: sets the session cookie; returns the CSRF token for writes."""
    reviewer = accounts.authenticate(session=session, username=credentials.username,
                                     password=credentials.password)
    token, user = accounts.start_session(session=session, reviewer=reviewer,
                                         hours=settings.session_hours)
    session.commit()
    set_session_cookie(response, token, settings)
    return Me(username=user.username, csrf_token=user.csrf_token)


@router.post("/logout", status_code=204)
def logout(request: Request, user: ApiWriter, session: DbSession) -> Response:
    accounts.end_session(session=session, token=request.cookies.get(SESSION_COOKIE))
    session.commit()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=Me)
def me(user: ApiUser) -> Me:
    return Me(username=user.username, csrf_token=user.csrf_token)


@router.get("/reviewers", response_model=list[str])
def reviewers(user: ApiUser, session: DbSession) -> list[str]:
    """Active accounts (who an item can be assigned to)."""
    return [r.username for r in accounts.list_reviewers(session=session, active_only=True)]


# -- the queue -----------------------------------------------------------------------------


@router.get("/items", response_model=QueuePublic)
def list_items(user: ApiUser, session: DbSession, filters: QueueFilterQuery,
               sort: Sort = "priority", limit: Limit = 50, after: Cursor = None):
    """One page of the queue with the counts per status; follow ``next_cursor``."""
    page = review.queue_page(session=session, filters=filters, sort=sort, limit=limit,
                             after=after)
    return QueuePublic(
        items=[QueueEntry(**ItemPublic.model_validate(row.item).model_dump(),
                          figures=[figure_text(c) for c in row.claims]) for row in page.rows],
        counts=page.counts, next_cursor=page.next_cursor,
    )


def _evidence(evidence: review.ClaimEvidence) -> EvidencePublic:
    return EvidencePublic(claim=evidence.claim.model_dump(), article_url=evidence.article.url,
                          article_version=evidence.version.version, reason=evidence.reason)


def _detail(session, item_id: int) -> ItemDetail:
    view = review.get_item(session=session, item_id=item_id)
    return ItemDetail(item=ItemPublic.model_validate(view.item),
                      claims=[_evidence(e) for e in view.claims],
                      history=[entry.model_dump() for entry in view.log])


@router.post("/items/next", response_model=NextItem)
def next_item(user: ApiWriter, session: DbSession, filters: QueueFilterQuery) -> NextItem:
    """Claim the highest-priority open item (matching the filters); null when none is open."""
    item = review.next_item(session=session, reviewer=user.username, filters=filters)
    session.commit()
    return NextItem(item=ItemPublic.model_validate(item) if item else None)


@router.get("/items/{item_id}", response_model=ItemDetail)
def get_item(item_id: int, user: ApiUser, session: DbSession) -> ItemDetail:
    """An item: its competing claims with their evidence, and its history."""
    return _detail(session, item_id)


@router.post("/items/{item_id}/claim", response_model=ItemDetail)
def claim_item(item_id: int, user: ApiWriter, session: DbSession) -> ItemDetail:
    """Take an open item (409 when someone else holds it)."""
    review.assign(session=session, item_id=item_id, reviewer=user.username,
                  assignee=user.username)
    session.commit()
    return _detail(session, item_id)


@router.post("/items/{item_id}/assign", response_model=ItemDetail)
def assign_item(item_id: int, body: AssignIn, user: ApiWriter,
                session: DbSession) -> ItemDetail:
    """Give an open item, or one you hold, to another active reviewer."""
    review.assign(session=session, item_id=item_id, reviewer=user.username,
                  assignee=body.assignee)
    session.commit()
    return _detail(session, item_id)


@router.post("/items/{item_id}/release", response_model=ItemDetail)
def release_item(item_id: int, user: ApiWriter, session: DbSession) -> ItemDetail:
    review.release(session=session, item_id=item_id, reviewer=user.username)
    session.commit()
    return _detail(session, item_id)


@router.post("/items/{item_id}/resolve", response_model=ItemDetail)
def resolve_item(item_id: int, body: ResolveIn, user: ApiWriter,
                 session: DbSession) -> ItemDetail:
    review.resolve(session=session, item_id=item_id, verdict=body.verdict, note=body.note,
                   reviewer=user.username)
    session.commit()
    return _detail(session, item_id)


@router.post("/items/{item_id}/reopen", response_model=ItemDetail)
def reopen_item(item_id: int, body: NoteIn, user: ApiWriter, session: DbSession) -> ItemDetail:
    review.reopen(session=session, item_id=item_id, reviewer=user.username,
                  note=body.note or None)
    session.commit()
    return _detail(session, item_id)


@router.post("/items/{item_id}/comment", response_model=ItemDetail)
def comment_item(item_id: int, body: NoteIn, user: ApiWriter, session: DbSession) -> ItemDetail:
    review.comment(session=session, item_id=item_id, reviewer=user.username, note=body.note)
    session.commit()
    return _detail(session, item_id)


# -- events and articles -------------------------------------------------------------------


@router.get("/events/{event:path}", response_model=EventDetail)
def get_event(event: str, user: ApiUser, session: DbSession) -> EventDetail:
    """Every figure claimed about one incident (``place/YYYY-MM-DD``), oldest first."""
    view = views.event_view(session=session, event=event)
    return EventDetail(event=event, claims=[_evidence(e) for e in view.claims],
                       items=[ItemPublic.model_validate(i) for i in view.items])


@router.get("/articles/{article_id}", response_model=ArticleDetail)
def get_article(article_id: int, user: ApiUser, session: DbSession) -> ArticleDetail:
    view = views.article_view(session=session, article_id=article_id)
    return ArticleDetail(article=view.article.model_dump(),
                         versions=[v.model_dump() for v in view.versions])


@router.get("/articles/{article_id}/versions/{version}", response_model=VersionText)
def get_version(article_id: int, version: int, user: ApiUser,
                session: DbSession) -> VersionText:
    """One stored version: its text and the figures found in it."""
    view = views.article_view(session=session, article_id=article_id, version=version)
    return VersionText(**view.shown.model_dump(),
                       claims=[c.model_dump() for c in view.claims])


@router.get("/articles/{article_id}/diff", response_model=ArticleDiff)
def get_diff(
    article_id: int, user: ApiUser, session: DbSession,
    old: Annotated[int, Query(alias="from", ge=1)],
    new: Annotated[int, Query(alias="to", ge=1)],
) -> ArticleDiff:
    """Word diff between two versions; ``changed_figures`` lists (old, new) numbers."""
    view = views.article_view(session=session, article_id=article_id, version=new,
                              compare=old)
    return ArticleDiff(old_version=old, new_version=new,
                       pieces=[{"op": p.op, "text": p.text, "figure": p.figure}
                               for p in view.pieces],
                       changed_figures=view.changed_figures)


# -- exports -------------------------------------------------------------------------------


def _download(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/export/items.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}}})
def export_csv(user: ApiUser, session: DbSession):
    """Every review item with its verdict, as CSV (the fields of ``ingest export flags``)."""
    records = list(export.flags(session=session))
    return StreamingResponse(export.flags_csv(records), media_type="text/csv; charset=utf-8",
                             headers=_download("review-items.csv"))


@router.get("/export/items.json")
def export_json(user: ApiUser, session: DbSession) -> Response:
    """Every review item with its verdict, as a JSON array (fields of ``export flags``)."""
    records = list(export.flags(session=session))
    return Response(json.dumps(records, ensure_ascii=False), media_type="application/json",
                    headers=_download("review-items.json"))


@router.get("/export/claimreview.jsonld")
def export_claimreview(request: Request, user: ApiUser, session: DbSession) -> Response:
    """Resolved items as schema.org ClaimReview (JSON-LD)."""
    base = str(request.base_url).rstrip("/")
    document = export.claim_reviews(session=session, base_url=base)
    return Response(json.dumps(document, ensure_ascii=False, indent=1),
                    media_type="application/ld+json",
                    headers=_download("claimreview.jsonld"))
