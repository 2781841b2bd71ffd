"""Engine, sessions and the schema's version. Nothing is connected at import time.

SQLite (the default) gets a WAL journal, foreign keys and a busy timeout; a relative
``sqlite:///storage/ingest.db`` is created under the current directory. PostgreSQL is
selected with ``INGEST_DATABASE_URL=postgresql+psycopg://...``.

The schema is versioned with Alembic (``ingest/migrations``). ``get_engine`` checks it once
per process:

============================ ================================================================
the database is...           ``get_engine``
============================ ================================================================
empty (new)                  creates the tables at the newest revision and stamps it
at the newest revision       goes on
at an older revision, or     refuses with ``ConfigError``: run ``ingest db upgrade``
made before migrations
at a revision this code      refuses with ``ConfigError``: the code is older than the
does not know                database
============================ ================================================================

An existing database is never changed behind the user's back: with several workers sharing
one PostgreSQL database, one ``ingest db upgrade`` migrates it, then the workers restart.
Creating a new database and ``upgrade`` hold a lock (an advisory lock on PostgreSQL, the
write lock on SQLite), so workers starting together do not race.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

from ingest import models  # noqa: F401  (registers the tables)
from ingest.errors import ConfigError

SCHEMA_LOCK = 0x1A6E57  # pg_advisory_xact_lock key held while creating or migrating the schema


@cache
def get_engine(url: str) -> Engine:
    """One engine per database URL, with the schema checked (and created when new)."""
    engine = open_engine(url)
    try:
        _ensure_schema(engine)
    except OperationalError as exc:
        raise ConfigError(f"cannot open database {_safe(engine)}: {exc.orig}") from exc
    return engine


@cache
def open_engine(url: str) -> Engine:
    """The engine alone, schema unchecked (for migrations and diagnostics)."""
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
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # turning a new database file to WAL needs it to itself, and SQLite answers "database is
    # locked" at once (not after its busy timeout) while another connection is in it: the
    # first connections of several threads at once wait their turn (once in WAL mode, the
    # file stays so and this is a no-op)
    for attempt in itertools.count():
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt >= 200:
                raise
            time.sleep(0.025)
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


def is_postgres(bind: Engine | Connection | Session) -> bool:
    if isinstance(bind, Session):
        bind = bind.get_bind()
    return bind.dialect.name == "postgresql"


# -- the schema's version (Alembic) ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None  # the revision stamped in the database (None: none)
    head: str  # the newest revision this code knows
    has_tables: bool  # any of our tables exists

    @property
    def new(self) -> bool:
        return self.current is None and not self.has_tables

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    def describe(self) -> str:
        if self.up_to_date:
            return f"at revision {self.current} (the newest)"
        if self.new:
            return f"empty; `ingest db upgrade` creates revision {self.head}"
        if self.current is None:
            return (f"made before migrations (no revision); `ingest db upgrade` brings it to "
                    f"{self.head}")
        if self.current not in _known_revisions():
            return (f"at revision {self.current}, unknown to this code (newest {self.head}): "
                    f"the database was migrated by a newer version of ingest")
        return f"at revision {self.current}; `ingest db upgrade` brings it to {self.head}"


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


@cache
def _known_revisions() -> frozenset[str]:
    return frozenset(rev.revision for rev in _script().walk_revisions())


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration without an ini file: the migrations shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("ingest") / "migrations"))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def schema_state(connection: Connection) -> SchemaState:
    current = MigrationContext.configure(connection).get_current_revision()
    ours = set(SQLModel.metadata.tables)
    has_tables = bool(ours & set(inspect(connection).get_table_names()))
    return SchemaState(current=current, head=_script().get_current_head(), has_tables=has_tables)


def _ensure_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        state = schema_state(connection)
    if state.up_to_date:
        return
    # read again under the lock: outside a transaction the revision and the tables are two
    # reads, and another process (or thread) creating the schema between them makes a new
    # database look like one "made before migrations"
    with engine.begin() as connection:
        _lock_schema(connection)
        state = schema_state(connection)
        if state.new:
            _create_at_head(connection)
            return
    if not state.up_to_date:
        raise ConfigError(f"database {_safe(engine)} is {state.describe()}")


def _create_at_head(connection: Connection) -> None:
    """A new database: the tables as the models define them, stamped at the newest revision
    (what the migrations build; ``tests/test_db.py`` checks the two agree)."""
    SQLModel.metadata.create_all(connection)
    MigrationContext.configure(connection).stamp(_script(), "head")


def _lock_schema(connection: Connection) -> None:
    """One process at a time creates or migrates the schema, until the transaction ends."""
    if is_postgres(connection):
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
    elif connection.dialect.name == "sqlite":
        # SQLite's write lock, taken before reading the state (the driver would begin the
        # transaction only at the first INSERT, and runs DDL outside one)
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(url: str, revision: str = "head") -> tuple[SchemaState, SchemaState]:
    """Migrate the database to ``revision``; returns the state before and after.

    A database made before migrations (the tables without a revision) is adopted: the
    first revision creates only what is missing of it.
    """
    engine = open_engine(url)
    try:
        with engine.begin() as connection:
            _lock_schema(connection)
            before = schema_state(connection)
            if before.current is not None and before.current not in _known_revisions():
                raise ConfigError(f"database {_safe(engine)} is {before.describe()}")
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            after = schema_state(connection)
    except OperationalError as exc:
        raise ConfigError(f"cannot open database {_safe(engine)}: {exc.orig}") from exc
    get_engine.cache_clear()  # the next get_engine checks the new state
    return before, after


def current(url: str) -> SchemaState:
    """The database's revision and the newest one this code knows."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return schema_state(connection)
    except OperationalError as exc:
        raise ConfigError(f"cannot open database {_safe(engine)}: {exc.orig}") from exc


def _safe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
