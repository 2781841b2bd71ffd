"""Engine and sessions. Nothing is connected at import time.

SQLite (the default) gets a WAL journal, foreign keys and a busy timeout; a relative
``sqlite:///storage/ingest.db`` is created under the current directory. PostgreSQL is
selected with ``INGEST_DATABASE_URL=postgresql+psycopg://...``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

from ingest import models  # noqa: F401  (registers the tables)
from ingest.errors import ConfigError


@cache
def get_engine(url: str) -> Engine:
    """One engine per database URL, with the tables created."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"invalid database URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True)
    try:
        SQLModel.metadata.create_all(engine)
        _create_missing_indexes(engine)
    except OperationalError as exc:
        raise ConfigError(f"cannot open database {parsed!r}: {exc.orig}") from exc
    return engine


def _create_missing_indexes(engine: Engine) -> None:
    """``create_all`` skips tables that exist; indexes added to them later (the review
    queue's) are created here, so an older database gets them too."""
    existing = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        names = {index["name"] for index in existing.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in names:
                index.create(engine, checkfirst=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
