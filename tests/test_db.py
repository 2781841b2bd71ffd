"""The schema's versions: new databases, migrations, outdated databases, `ingest db`."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from ingest import db
from ingest.cli import app
from ingest.errors import ConfigError

HEAD = db._script().get_current_head()  # the newest revision this code ships
NEW_REVISION = '''"""A later revision, for the test."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "HEAD_REVISION"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_test_run_trigger", "run", ["trigger"])


def downgrade() -> None:
    op.drop_index("ix_test_run_trigger", "run")
'''.replace("HEAD_REVISION", HEAD)


@pytest.fixture(autouse=True)
def _fresh_caches():
    yield
    for cached in (db.get_engine, db.open_engine, db._script, db._known_revisions):
        cached.cache_clear()


def _differences(url: str) -> list:
    with db.open_engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def test_the_migrations_build_what_the_models_define(new_db_url):
    before, after = db.upgrade(new_db_url)
    assert (before.current, before.new) == (None, True)
    assert after.up_to_date and after.current == after.head
    assert _differences(new_db_url) == []


def test_a_new_database_is_created_at_the_newest_revision(new_db_url):
    db.get_engine(new_db_url)
    state = db.current(new_db_url)
    assert state.up_to_date and state.has_tables
    assert _differences(new_db_url) == []


def _at_once(count: int, work) -> list[Exception]:
    """``work()`` in ``count`` threads released together; what they raised."""
    start, errors = threading.Barrier(count), []

    def run():
        start.wait()
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_workers_starting_together_create_the_schema_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    errors = _at_once(6, lambda: db._ensure_schema(
        db.create_engine(url, connect_args={"timeout": 30})))
    assert errors == []
    assert db.current(url).up_to_date


def test_a_database_made_before_migrations_is_refused_then_adopted(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = db.open_engine(url)
    SQLModel.metadata.create_all(engine)  # what get_engine did before migrations
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_review_item_status_priority"))
        connection.execute(text("DROP TABLE host_slot"))
    with pytest.raises(ConfigError, match=r"made before migrations .*`ingest db upgrade`"):
        db.get_engine(url)

    before, after = db.upgrade(url)
    assert before.current is None and before.has_tables and after.up_to_date
    assert _differences(url) == []  # the missing index and table were created
    assert db.get_engine(url)


@pytest.fixture
def newer_code(tmp_path, monkeypatch):
    """The migrations plus a revision 9999, as a newer version of the code would ship them."""
    scripts = tmp_path / "migrations"
    shutil.copytree(db.alembic_config().get_main_option("script_location"), scripts,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_test.py").write_text(NEW_REVISION)
    plain = db.alembic_config

    def config(url=None):
        result = plain(url)
        result.set_main_option("script_location", str(scripts))
        return result

    monkeypatch.setattr(db, "alembic_config", config)
    for cached in (db._script, db._known_revisions, db.get_engine):
        cached.cache_clear()
    return scripts


def test_an_older_revision_is_refused_until_upgraded(new_db_url, newer_code):
    db.upgrade(new_db_url, HEAD)  # made by the code before
    with pytest.raises(ConfigError, match=rf"at revision {HEAD}; `ingest db upgrade` brings it "
                                          r"to 9999"):
        db.get_engine(new_db_url)
    before, after = db.upgrade(new_db_url)
    assert (before.current, after.current) == (HEAD, "9999")
    with db.open_engine(new_db_url).connect() as connection:
        names = {index["name"] for index in inspect(connection).get_indexes("run")}
    assert "ix_test_run_trigger" in names
    assert db.get_engine(new_db_url)


def test_a_newer_database_is_refused_by_older_code(new_db_url, newer_code, monkeypatch):
    db.upgrade(new_db_url)  # at 9999
    shutil.rmtree(newer_code / "versions" / "__pycache__", ignore_errors=True)
    (newer_code / "versions" / "9999_test.py").unlink()  # the older code stops at HEAD
    for cached in (db._script, db._known_revisions, db.get_engine):
        cached.cache_clear()
    with pytest.raises(ConfigError, match="unknown to this code"):
        db.get_engine(new_db_url)
    with pytest.raises(ConfigError, match="unknown to this code"):
        db.upgrade(new_db_url)


def test_cli_db_current_and_upgrade(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(app, ["--db", url, "db", "current"])
    assert result.exit_code == 0 and "empty" in result.output
    result = runner.invoke(app, ["--db", url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"upgraded from nothing to {HEAD}" in result.output
    result = runner.invoke(app, ["--db", url, "db", "upgrade"])
    assert f"already at revision {HEAD}" in result.output
    result = runner.invoke(app, ["--db", url, "db", "current"])
    assert result.exit_code == 0 and f"at revision {HEAD} (the newest)" in result.output


def test_cli_refuses_an_outdated_database_with_exit_code_2(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    SQLModel.metadata.create_all(db.open_engine(url))
    result = CliRunner().invoke(app, ["--db", url, "runs", "list"])
    assert result.exit_code == 2
    assert "made before migrations" in result.output and "`ingest db upgrade`" in result.output
    result = CliRunner().invoke(app, ["--db", url, "db", "current"])
    assert result.exit_code == 1 and "made before migrations" in result.output


def test_a_database_at_0001_gets_the_version_notes(new_db_url):
    db.upgrade(new_db_url, "0001")
    db.upgrade(new_db_url)
    with db.open_engine(new_db_url).connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("article_version")}
    assert {"modified_at", "update_note"} <= columns
    assert _differences(new_db_url) == []


def test_a_database_at_0002_gets_the_claim_context(new_db_url):
    db.upgrade(new_db_url, "0002")
    db.upgrade(new_db_url)
    with db.open_engine(new_db_url).connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("figure_claim")}
    assert {"setting", "sentence_hash", "text_id", "part", "side"} <= columns
    assert _differences(new_db_url) == []


LOOKUP_INDEXES = {"ix_figure_claim_place_measure_dates": ["place", "measure", "event_date",
                                                          "published_at", "created_at"],
                  "ix_figure_claim_place_kind_date": ["place", "incident_kind", "event_date"]}


def _claim_indexes(url: str) -> dict[str, list[str]]:
    with db.open_engine(url).connect() as connection:
        return {index["name"]: index["column_names"]
                for index in inspect(connection).get_indexes("figure_claim")}


def test_a_database_at_0002_gets_the_conflict_lookup_indexes(new_db_url):
    db.upgrade(new_db_url, "0002")
    now = datetime(2023, 1, 2, tzinfo=UTC)
    with db.open_engine(new_db_url).begin() as connection:  # a stored claim, kept
        connection.execute(text(
            "INSERT INTO article (id, url, source, first_seen_at, last_checked_at, "
            "latest_version) VALUES (1, 'https://x.example/1', 'x', :now, :now, 1)"
        ), {"now": now})
        connection.execute(text(
            "INSERT INTO article_version (id, article_id, version, content_hash, fetched_at, "
            "final_url, text) VALUES (1, 1, 1, 'h', :now, 'https://x.example/1', 't')"
        ), {"now": now})
        connection.execute(text(
            'INSERT INTO figure_claim (id, article_id, version_id, source, sentence, '
            'sentence_index, quote, start, "end", bound, approx, place, measure, event_date, '
            "in_title, superseded, created_at) VALUES (1, 1, 1, 'x', 's', 0, '63', 0, 2, '=', "
            "false, 'makiivka', 'killed', '2023-01-01', false, false, :now)"
        ), {"now": now})
    assert "ix_figure_claim_place_measure" in _claim_indexes(new_db_url)

    before, after = db.upgrade(new_db_url)
    assert (before.current, after.current) == ("0002", HEAD) and after.up_to_date
    indexes = _claim_indexes(new_db_url)
    assert {name: indexes.get(name) for name in LOOKUP_INDEXES} == LOOKUP_INDEXES
    assert "ix_figure_claim_place_measure" not in indexes  # the prefix of the first one
    assert _differences(new_db_url) == []
    with db.get_engine(new_db_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM figure_claim")).scalar() == 1


def test_the_conflict_lookup_indexes_go_on_downgrade(new_db_url):
    db.upgrade(new_db_url)
    config = db.alembic_config(new_db_url)
    with db.open_engine(new_db_url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    indexes = _claim_indexes(new_db_url)
    assert not set(LOOKUP_INDEXES) & set(indexes)
    assert indexes["ix_figure_claim_place_measure"] == ["place", "measure"]
    assert db.current(new_db_url).current == "0003"


DATES = ["event_date", "published_at", "created_at"]
DATES_INDEXES = {"ix_figure_claim_place_measure_dates": ["place", "measure", *DATES],
                 "ix_figure_claim_area_measure_dates": ["area", "measure", *DATES]}
DATE_INDEXES = {"ix_figure_claim_place_measure_date": ["place", "measure", "event_date"],
                "ix_figure_claim_area_measure_date": ["area", "measure", "event_date"]}


def test_a_database_at_0005_gets_the_lookup_by_claim_date_and_back(new_db_url):
    db.upgrade(new_db_url, "0005")
    indexes = _claim_indexes(new_db_url)
    assert {name: indexes.get(name) for name in DATE_INDEXES} == DATE_INDEXES

    db.upgrade(new_db_url)
    indexes = _claim_indexes(new_db_url)
    assert {name: indexes.get(name) for name in DATES_INDEXES} == DATES_INDEXES
    assert not set(DATE_INDEXES) & set(indexes)
    assert _differences(new_db_url) == []

    config = db.alembic_config(new_db_url)
    with db.open_engine(new_db_url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    indexes = _claim_indexes(new_db_url)
    assert {name: indexes.get(name) for name in DATE_INDEXES} == DATE_INDEXES
    assert not set(DATES_INDEXES) & set(indexes)


def test_threads_opening_a_new_sqlite_database_at_once_all_get_it(tmp_path):
    """Eight threads' first use of a new database file: one creates the schema (and turns
    the file to WAL), the others wait for it; none sees a half-made database. Thirty new
    files, as the race showed in about one in twenty."""
    for attempt in range(30):
        url = f"sqlite:///{tmp_path / f'new{attempt}.db'}"

        def first_use(url=url):
            with db.get_engine(url).connect() as connection:
                connection.execute(text("SELECT count(*) FROM figure_claim")).scalar()

        errors = _at_once(8, first_use)
        assert errors == [], (attempt, errors)
        assert db.current(url).up_to_date
