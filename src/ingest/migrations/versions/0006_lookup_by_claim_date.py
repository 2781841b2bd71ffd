"""The conflict lookup reads claims without an event date by the date they are compared by
(``conflicts.claim_date``: their publication, else the day they were stored), so it stays
as fast with a million claims as with ten thousand (``bench/conflict_lookup.py``): it read
every claim without an event date about the place, a number that grows with the store.

The indexes ``figure_claim (place | area, measure, event_date)`` become ``(place | area,
measure, event_date, published_at, created_at)``; a lookup by event date uses their prefix
as before.
Building them reads the whole table and blocks writes meanwhile (stop the workers, as for
every upgrade).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "figure_claim"
_DATES = ["event_date", "published_at", "created_at"]
#: (old name, old columns) -> (new name, new columns)
_INDEXES = (
    (("ix_figure_claim_place_measure_date", ["place", "measure", "event_date"]),
     ("ix_figure_claim_place_measure_dates", ["place", "measure", *_DATES])),
    (("ix_figure_claim_area_measure_date", ["area", "measure", "event_date"]),
     ("ix_figure_claim_area_measure_dates", ["area", "measure", *_DATES])),
)


def _indexes() -> set[str]:
    return {index["name"] for index in sa.inspect(op.get_bind()).get_indexes(TABLE)}


def _swap(drop: tuple[str, list[str]], create: tuple[str, list[str]]) -> None:
    present = _indexes()
    if create[0] not in present:  # made from newer models already, perhaps
        op.create_index(create[0], TABLE, create[1])
    if drop[0] in present:
        op.drop_index(drop[0], table_name=TABLE)


def upgrade() -> None:
    for old, new in _INDEXES:
        _swap(old, new)


def downgrade() -> None:
    for old, new in _INDEXES:
        _swap(new, old)
