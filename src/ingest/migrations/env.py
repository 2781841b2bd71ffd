"""Alembic environment: the target is ``SQLModel.metadata`` (``ingest.models``).

Run through ``ingest db upgrade`` / ``ingest.db.upgrade(url)``, which pass an open
connection in ``config.attributes["connection"]``. Plain ``alembic`` (``alembic.ini`` at the
repository root, for ``alembic revision --autogenerate``) connects to ``sqlalchemy.url`` or,
when that is empty, to ``INGEST_DATABASE_URL``.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from ingest import models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def _options(dialect_name: str) -> dict:
    # SQLite cannot ALTER most things: later revisions use batch mode (copy and move)
    return {"target_metadata": target_metadata, "render_as_batch": dialect_name == "sqlite",
            "compare_type": True}


def run_offline() -> None:
    from sqlalchemy.engine import make_url

    url = config.get_main_option("sqlalchemy.url") or _settings_url()
    context.configure(url=url, literal_binds=True, **_options(make_url(url).get_backend_name()))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from ingest.db import open_engine

    engine = open_engine(config.get_main_option("sqlalchemy.url") or _settings_url())
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, **_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def _settings_url() -> str:
    from ingest.config import get_settings

    return get_settings().database_url


if context.is_offline_mode():
    run_offline()
else:
    run_online()
