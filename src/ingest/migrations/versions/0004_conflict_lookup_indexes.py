"""Indexes for the conflict lookups, so they stay as fast with a million claims as with ten
thousand (``bench/conflict_lookup.py``):

- ``figure_claim (place, measure, event_date)`` for ``store.comparable_candidates`` (the
  earlier claims about the same figure within the date window); it replaces
  ``(place, measure)``, its prefix;
- ``figure_claim (place, incident_kind, event_date)`` for ``store._linked_event`` (the stored
  incident a new claim joins).

Building them reads the whole table and blocks writes meanwhile: ``ingest db upgrade`` of a
database of a million claims took 5 s on SQLite and on PostgreSQL on a 2-core machine (with
the workers stopped, as for every upgrade).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "figure_claim"


def _indexes() -> set[str]:
    return {index["name"] for index in sa.inspect(op.get_bind()).get_indexes(TABLE)}


def _create_index(name: str, columns: list[str]) -> None:
    """Databases made before migrations from newer models may have the index already."""
    if name not in _indexes():
        op.create_index(name, TABLE, columns, unique=False)


def _drop_index(name: str) -> None:
    if name in _indexes():
        op.drop_index(name, table_name=TABLE)


def upgrade() -> None:
    _create_index("ix_figure_claim_place_measure_date", ["place", "measure", "event_date"])
    _create_index("ix_figure_claim_place_kind_date", ["place", "incident_kind", "event_date"])
    _drop_index("ix_figure_claim_place_measure")


def downgrade() -> None:
    _create_index("ix_figure_claim_place_measure", ["place", "measure"])
    _drop_index("ix_figure_claim_place_kind_date")
    _drop_index("ix_figure_claim_place_measure_date")
