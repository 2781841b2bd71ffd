"""Server-rendered pages (no JavaScript): login, queue, item, event, article.

Every POST is a form carrying the session's CSRF token (``FormData``); after an action the
browser is redirected back to the page (POST/redirect/GET). Refused actions render an error
page with the library's message (see ``ingest.web.app``).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ingest import accounts, review
from ingest.errors import AuthenticationError
from ingest.web import views
from ingest.web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    AppSettings,
    DbSession,
    FormData,
    PageUser,
    read_form,
    same_token,
)
from ingest.web.routes.api import set_session_cookie
from ingest.web.schemas import Cursor, Limit, Optional, QueueFilterQuery, Sort
from ingest.web.templating import templates

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("user", getattr(request.state, "user", None))
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def back_to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _local(target: str | None) -> str:
    """Only redirect to a path of this site after login."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/queue"


# -- login ---------------------------------------------------------------------------------


def _login_form(request: Request, *, next_path: str, error: str | None = None,
                status_code: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", status_code, csrf_token=token,
                      next_path=_local(next_path), error=error, user=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        path="/login", max_age=3600)
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/queue") -> HTMLResponse:  # noqa: A002
    return _login_form(request, next_path=next)


@router.post("/login")
def login(request: Request, form: Annotated[dict[str, str], Depends(read_form)],
          session: DbSession, settings: AppSettings):
    # a plain ``def``: FastAPI runs it in a thread, so scrypt does not block the event loop
    if not same_token(form.get("csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _login_form(request, next_path=form.get("next", ""), status_code=403,
                           error="The form expired; please try again.")
    try:
        reviewer = accounts.authenticate(session=session, username=form.get("username", ""),
                                         password=form.get("password", ""))
    except AuthenticationError as exc:
        return _login_form(request, next_path=form.get("next", ""), status_code=401,
                           error=str(exc).capitalize() + ".")
    token, _ = accounts.start_session(session=session, reviewer=reviewer,
                                      hours=settings.session_hours)
    session.commit()
    response = back_to(_local(form.get("next")))
    set_session_cookie(response, token, settings)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, form: FormData, session: DbSession):
    accounts.end_session(session=session, token=request.cookies.get(SESSION_COOKIE))
    session.commit()
    response = back_to("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- the queue -----------------------------------------------------------------------------


@router.get("/")
def home(user: PageUser):
    return back_to("/queue")


@router.get("/queue")
def queue(request: Request, user: PageUser, session: DbSession, filters: QueueFilterQuery,
          sort: Sort = "priority", limit: Limit = 50, after: Cursor = None) -> HTMLResponse:
    page = review.queue_page(session=session, filters=filters, sort=sort, limit=limit,
                             after=after)
    params = {k: v for k, v in request.query_params.items() if k != "after"}
    return render(request, "queue.html", page=page, filters=filters, sort=sort,
                  params=params, choices=review.queue_choices(session=session),
                  status_param=request.query_params.get("status", "unresolved"))


@router.post("/queue/next")
def take_next(form: FormData, user: PageUser, session: DbSession):
    item = review.next_item(session=session, reviewer=user.username)
    session.commit()
    return back_to(f"/items/{item.id}" if item else "/queue?status=open")


# -- an item -------------------------------------------------------------------------------


@router.get("/items/{item_id}")
def item_page(request: Request, item_id: int, user: PageUser,
              session: DbSession) -> HTMLResponse:
    view = review.get_item(session=session, item_id=item_id)
    others = [r.username for r in accounts.list_reviewers(session=session, active_only=True)
              if r.username != user.username]
    return render(request, "item.html", view=view, item=view.item, reviewers=others,
                  verdicts=review.VERDICTS)


@router.post("/items/{item_id}/claim")
def claim(item_id: int, form: FormData, user: PageUser, session: DbSession):
    review.assign(session=session, item_id=item_id, reviewer=user.username,
                  assignee=user.username)
    session.commit()
    return back_to(f"/items/{item_id}")


@router.post("/items/{item_id}/assign")
def assign(item_id: int, form: FormData, user: PageUser, session: DbSession):
    review.assign(session=session, item_id=item_id, reviewer=user.username,
                  assignee=form.get("assignee", ""))
    session.commit()
    return back_to(f"/items/{item_id}")


@router.post("/items/{item_id}/release")
def release(item_id: int, form: FormData, user: PageUser, session: DbSession):
    review.release(session=session, item_id=item_id, reviewer=user.username)
    session.commit()
    return back_to(f"/items/{item_id}")


@router.post("/items/{item_id}/resolve")
def resolve(item_id: int, form: FormData, user: PageUser, session: DbSession):
    review.resolve(session=session, item_id=item_id, verdict=form.get("verdict", ""),
                   note=form.get("note"), reviewer=user.username)
    session.commit()
    return back_to(f"/items/{item_id}")


@router.post("/items/{item_id}/reopen")
def reopen(item_id: int, form: FormData, user: PageUser, session: DbSession):
    review.reopen(session=session, item_id=item_id, reviewer=user.username,
                  note=(form.get("note") or "").strip() or None)
    session.commit()
    return back_to(f"/items/{item_id}")


@router.post("/items/{item_id}/comment")
def comment(item_id: int, form: FormData, user: PageUser, session: DbSession):
    review.comment(session=session, item_id=item_id, reviewer=user.username,
                   note=form.get("note", ""))
    session.commit()
    return back_to(f"/items/{item_id}#history")


# -- events and articles -------------------------------------------------------------------


@router.get("/events/{event:path}")
def event_page(request: Request, event: str, user: PageUser, session: DbSession,
               figure: str | None = None) -> HTMLResponse:
    """``?figure=killed/soldiers`` charts that figure (default: the disputed one)."""
    return render(request, "event.html",
                  view=views.event_view(session=session, event=event, figure=figure))


@router.get("/articles/{article_id}")
def article_page(
    request: Request, article_id: int, user: PageUser, session: DbSession,
    v: Annotated[int | None, Optional, Query(ge=1, description="version shown")] = None,
    compare: Annotated[int | None, Optional, Query(ge=1)] = None,
) -> HTMLResponse:
    view = views.article_view(session=session, article_id=article_id, version=v,
                              compare=compare)
    return render(request, "article.html", view=view)
