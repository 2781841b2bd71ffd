"""The dependencies every route uses: the database session, the logged-in reviewer, CSRF.

* ``DbSession``: one SQLModel session per request from the app's engine; routes commit what
  they change, anything else is rolled back when the session closes.
* ``PageUser`` / ``ApiUser``: the reviewer behind the session cookie; pages redirect to the
  login form, the API answers 401.
* ``FormData``: a form posted by a logged-in reviewer whose ``csrf_token`` field matches
  their session's token (403 otherwise). Forms are URL-encoded (no uploads), parsed here.
* ``ApiWriter``: an API write by a logged-in reviewer carrying the session's token in the
  ``X-CSRF-Token`` header.

The reviewer recorded on every action is the one of the session, never a form field.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from sqlmodel import Session

from ingest import accounts
from ingest.accounts import LoggedIn
from ingest.config import Settings
from ingest.errors import AuthenticationError, IngestError

SESSION_COOKIE = "ingest_session"
LOGIN_CSRF_COOKIE = "ingest_login_csrf"
MAX_FORM_BYTES = 64_000


class LoginRequired(Exception):
    """A page needs a logged-in reviewer: redirect to the login form."""


class CSRFError(IngestError):
    """A form or API write without the session's CSRF token."""

    reason = "csrf"


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


DbSession = Annotated[Session, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings)]


def _logged_in(request: Request, session: Session) -> LoggedIn:
    if getattr(request.state, "user", None) is not None:
        return request.state.user
    user = accounts.session_for(session=session, token=request.cookies.get(SESSION_COOKIE))
    request.state.user = user
    return user


def page_user(request: Request, session: DbSession) -> LoggedIn:
    try:
        return _logged_in(request, session)
    except AuthenticationError:
        raise LoginRequired() from None


def api_user(request: Request, session: DbSession) -> LoggedIn:
    return _logged_in(request, session)


PageUser = Annotated[LoggedIn, Depends(page_user)]
ApiUser = Annotated[LoggedIn, Depends(api_user)]


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(given, expected)


async def read_form(request: Request) -> dict[str, str]:
    """A URL-encoded form body (last value wins), at most ``MAX_FORM_BYTES``."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/x-www-form-urlencoded":
        raise CSRFError("expected a form (application/x-www-form-urlencoded)")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise CSRFError("form too large")
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


async def checked_form(request: Request, user: PageUser) -> dict[str, str]:
    form = await read_form(request)
    if not same_token(form.get("csrf_token"), user.csrf_token):
        raise CSRFError("the form's CSRF token is missing or stale; reload the page")
    return form


def api_writer(request: Request, user: ApiUser) -> LoggedIn:
    if not same_token(request.headers.get("x-csrf-token"), user.csrf_token):
        raise CSRFError("missing or wrong X-CSRF-Token header (see GET /api/me)")
    return user


FormData = Annotated[dict[str, str], Depends(checked_form)]
ApiWriter = Annotated[LoggedIn, Depends(api_writer)]
