"""Shared fixtures: a fresh SQLite database per test, settings without politeness delays."""

from __future__ import annotations

import os

import pytest

# before Prefect is imported: no telemetry on an offline machine, quiet test servers
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from ingest.config import Settings


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    url = f"sqlite:///{tmp_path / 'test.db'}"
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
