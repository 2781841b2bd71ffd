"""Reviewer accounts and login sessions of the web workspace.

Passwords are hashed with scrypt (standard library) and a random salt per password, stored
as ``scrypt$n$r$p$salt$hash``. A login creates a ``web_session`` row: the client keeps a
random token (cookie), we keep only its SHA-256, so a leaked database does not leak live
sessions, and logging out or disabling an account ends its sessions at once. Each session
carries its own CSRF token.

Keyword-only functions; committing is left to the caller, as in ``ingest.store``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from ingest.errors import AccountError, AuthenticationError
from ingest.models import Reviewer, WebSession, utcnow

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
RESERVED = frozenset({"system"})
MIN_PASSWORD_CHARS = 8
# scrypt cost: 2**14 * 8 * 128 bytes = 16 MiB and ~50 ms per hash
_N, _R, _P = 2**14, 8, 1


@dataclass(frozen=True, slots=True)
class LoggedIn:
    """Who is behind a request, and the CSRF token their forms must carry."""

    reviewer_id: int
    username: str
    csrf_token: str
    session_id: int


# -- passwords -----------------------------------------------------------------------------


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n),
                                  r=int(r), p=int(p), dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)


# a hash to check against when the username is unknown, so that both cases take as long
_DUMMY_HASH = f"scrypt${_N}${_R}${_P}${'00' * 16}${'00' * 32}"


# -- accounts ------------------------------------------------------------------------------


def create_reviewer(*, session: Session, username: str, password: str) -> Reviewer:
    username = (username or "").strip()
    if not USERNAME_RE.match(username) or username in RESERVED:
        raise AccountError(
            f"invalid username {username!r}: 1-40 lowercase letters, digits, '.', '_', '-'"
            + (f" ({username!r} is reserved)" if username in RESERVED else "")
        )
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if session.exec(select(Reviewer).where(Reviewer.username == username)).first():
        raise AccountError(f"reviewer {username!r} already exists")
    reviewer = Reviewer(username=username, password_hash=hash_password(password))
    session.add(reviewer)
    session.flush()
    return reviewer


def list_reviewers(*, session: Session, active_only: bool = False) -> list[Reviewer]:
    query = select(Reviewer).order_by(col(Reviewer.username))
    if active_only:
        query = query.where(col(Reviewer.active).is_(True))
    return list(session.exec(query))


def get_reviewer(*, session: Session, username: str) -> Reviewer | None:
    return session.exec(select(Reviewer).where(Reviewer.username == username)).first()


def set_active(*, session: Session, username: str, active: bool) -> Reviewer:
    reviewer = get_reviewer(session=session, username=username)
    if reviewer is None:
        raise AccountError(f"no reviewer {username!r}")
    reviewer.active = active
    session.add(reviewer)
    if not active:
        session.exec(delete(WebSession).where(col(WebSession.reviewer_id) == reviewer.id))
    return reviewer


def authenticate(*, session: Session, username: str, password: str) -> Reviewer:
    reviewer = get_reviewer(session=session, username=(username or "").strip())
    if reviewer is None:
        verify_password(password or "", _DUMMY_HASH)
        raise AuthenticationError("wrong username or password")
    if not verify_password(password or "", reviewer.password_hash) or not reviewer.active:
        raise AuthenticationError("wrong username or password")
    return reviewer


# -- sessions ------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(*, session: Session, reviewer: Reviewer, hours: float) -> tuple[str, LoggedIn]:
    """A new login; returns the token to hand to the client (shown once, never stored).
    Expired sessions of every reviewer are deleted on the way, so the table holds live ones."""
    purge_expired(session=session)
    token = secrets.token_urlsafe(32)
    row = WebSession(token_hash=_token_hash(token), reviewer_id=reviewer.id,
                     csrf_token=secrets.token_urlsafe(32),
                     expires_at=utcnow() + timedelta(hours=hours))
    session.add(row)
    session.flush()
    return token, LoggedIn(reviewer.id, reviewer.username, row.csrf_token, row.id)


def session_for(*, session: Session, token: str | None) -> LoggedIn:
    """The live session behind ``token``, or ``AuthenticationError``."""
    if not token:
        raise AuthenticationError("not logged in")
    row = session.exec(
        select(WebSession, Reviewer)
        .join(Reviewer, col(Reviewer.id) == WebSession.reviewer_id)
        .where(WebSession.token_hash == _token_hash(token))
    ).first()
    if row is None:
        raise AuthenticationError("not logged in")
    web_session, reviewer = row
    expires = web_session.expires_at
    if expires.tzinfo is None:  # SQLite hands back naive UTC
        expires = expires.replace(tzinfo=UTC)
    if expires <= datetime.now(UTC) or not reviewer.active:
        raise AuthenticationError("session expired; log in again")
    return LoggedIn(reviewer.id, reviewer.username, web_session.csrf_token, web_session.id)


def end_session(*, session: Session, token: str | None) -> None:
    if token:
        session.exec(delete(WebSession).where(col(WebSession.token_hash) == _token_hash(token)))


def purge_expired(*, session: Session) -> int:
    """Delete expired sessions; how many."""
    result = session.exec(delete(WebSession).where(col(WebSession.expires_at) < utcnow()))
    return result.rowcount or 0
