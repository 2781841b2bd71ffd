"""Shared fixtures: a fresh database per test, settings without politeness delays.

The database behind ``settings`` (and so ``session``, ``seeded``, ``client``...) is SQLite by
default. With ``INGEST_TEST_DB=postgresql`` it is PostgreSQL instead: one database made for
the test session (``ingest_test_<pid>_<random>``, dropped at the end), emptied before every
test; only tests that use a database run then (the others ran on SQLite already), and not
the Prefect flow tests. The server
is ``INGEST_TEST_POSTGRES_URL`` (default: user postgres on 127.0.0.1:5432, trust auth).

Tests that need PostgreSQL whatever the backend (``pg_url``, ``any_db_url``'s PostgreSQL
case) skip with the reason when no server answers, or fail if
``INGEST_TEST_REQUIRE_POSTGRES=1`` (CI).
"""

from __future__ import annotations

import os
import uuid

import pytest

# before Prefect is imported: no telemetry on an offline machine, quiet test servers
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from ingest.config import Settings

BACKEND = os.environ.get("INGEST_TEST_DB", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get(
    "INGEST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def pytest_collection_modifyitems(config, items):
    if BACKEND == "sqlite":
        return
    if BACKEND != "postgresql":
        raise pytest.UsageError(f"INGEST_TEST_DB={BACKEND!r}: use sqlite or postgresql")
    # the PostgreSQL pass runs the tests on the chosen backend's database, except the Prefect
    # flow tests (a test server costs 15-25 s; test_concurrency runs the flow on PostgreSQL)
    keep = [item for item in items
            if "database_url" in getattr(item, "fixturenames", ())
            and "prefect_server" not in getattr(item, "fixturenames", ())]
    dropped = [item for item in items if item not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin URL of a reachable PostgreSQL server, or skip (fail in CI) saying why."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_ADMIN_URL)
    try:
        psycopg.connect(_libpq(url), connect_timeout=2).close()
    except psycopg.Error as exc:
        reason = (f"no PostgreSQL server at {url.render_as_string(hide_password=True)} "
                  f"(set INGEST_TEST_POSTGRES_URL): {str(exc).strip().splitlines()[0]}")
        if os.environ.get("INGEST_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return POSTGRES_ADMIN_URL


def _libpq(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def create_postgres_database(admin_url: str, name: str) -> str:
    """A new, empty database on the server of ``admin_url``; returns its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return url.set(database=name, drivername="postgresql+psycopg").render_as_string(
        hide_password=False)


def drop_postgres_database(admin_url: str, url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    from ingest.db import get_engine, open_engine

    for cached in (get_engine, open_engine):
        cached.cache_clear()  # engines are disposed by garbage collection; FORCE ends the rest
    with psycopg.connect(_libpq(make_url(admin_url)), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_database(postgres_server):
    """One database for the test session; ``fresh_postgres`` empties it per test."""
    name = f"ingest_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    url = create_postgres_database(postgres_server, name)
    yield url
    drop_postgres_database(postgres_server, url)


def fresh_postgres(url: str) -> str:
    """Empty every table of the test database (creating the schema the first time).

    DELETE and resetting the id sequences is several times faster than TRUNCATE on tables
    this small; the databases run with ``synchronous_commit = off``.
    """
    from sqlmodel import SQLModel

    from ingest.db import get_engine

    engine = get_engine(url)
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables)]
    statements = [f'DELETE FROM "{t.name}"' for t in tables] + [
        f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), 1, false)"
        for t in tables if "id" in t.c and t.c.id.autoincrement in (True, "auto")
        and t.c.id.primary_key
    ]
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
        conn.exec_driver_sql("; ".join(statements))
    return url


@pytest.fixture
def pg_url(postgres_database) -> str:
    """An empty PostgreSQL database (skips when no server answers)."""
    return fresh_postgres(postgres_database)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request, tmp_path) -> str:
    """An empty database, once on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'any.db'}"
    return fresh_postgres(request.getfixturevalue("postgres_database"))


@pytest.fixture(params=["sqlite", "postgresql"])
def new_db_url(request, tmp_path):
    """A database nothing has touched (no schema), once on each backend; on PostgreSQL a
    database of its own, for tests that change the schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'new.db'}"
        return
    admin = request.getfixturevalue("postgres_server")
    url = create_postgres_database(admin, f"ingest_new_{os.getpid()}_{uuid.uuid4().hex[:8]}")
    yield url
    drop_postgres_database(admin, url)


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """The test's database on the backend chosen by ``INGEST_TEST_DB``."""
    if BACKEND == "postgresql":
        return fresh_postgres(request.getfixturevalue("postgres_database"))
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def settings(database_url, tmp_path, monkeypatch) -> Settings:
    url = database_url
    monkeypatch.setenv("INGEST_DATABASE_URL", url)
    monkeypatch.setenv("INGEST_HOST_MIN_INTERVAL", "0")
    monkeypatch.setenv("INGEST_ALLOW_PRIVATE_NETWORKS", "true")
    monkeypatch.setenv("INGEST_SOURCES_FILE", str(tmp_path / "sources.toml"))
    return Settings(database_url=url, host_min_interval=0, min_text_chars=100,
                    sources_file=tmp_path / "sources.toml", allow_private_networks=True)


@pytest.fixture
def session(settings):
    from ingest.db import session_scope

    with session_scope(settings.database_url) as session:
        yield session


@pytest.fixture(scope="session")
def prefect_server():
    """One Prefect test server for the session (starting one takes 10-20 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def anyio_backend():
    return "asyncio"


# -- the web workspace -----------------------------------------------------------------------


@pytest.fixture
def seeded(settings) -> dict:
    """A small queue (see tests/web_seed.py) and two accounts, ana and bo."""
    from ingest.db import session_scope
    from tests.web_seed import seed

    with session_scope(settings.database_url) as session:
        return seed(session)


@pytest.fixture
def client(settings, seeded):
    """A TestClient of the workspace on the test database (not logged in)."""
    from fastapi.testclient import TestClient

    from ingest.web import create_app

    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


def log_in(client, username: str = "ana") -> str:
    """Log in through the API; returns the CSRF token for writes."""
    from tests.web_seed import PASSWORD

    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["csrf_token"]
