"""Figure claims about places the gazetteer lacks keep the known place their text puts them
in (``area``: "the village of Tall Tawil in Hasakah province" -> ``hasakah``), so that they
are compared with claims about that place and what lies in it, with an index for that
lookup (``store.comparable_candidates``); and whether their own sentence names their place
(``place_stated``; a part of a toll is told from a toll placed by its context).

Revision ID: 0005
Revises: 0004

Claims stored before this revision have no area; they are matched by place alone, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "figure_claim"
_INDEX = "ix_figure_claim_area_measure_date"


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    present = {c["name"] for c in inspector.get_columns(TABLE)}
    if "area" not in present:
        op.add_column(TABLE, sa.Column("area", sa.String(), nullable=True))
    if "place_stated" not in present:
        op.add_column(TABLE, sa.Column("place_stated", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    if _INDEX not in {i["name"] for i in inspector.get_indexes(TABLE)}:
        op.create_index(_INDEX, TABLE, ["area", "measure", "event_date"])


def downgrade() -> None:
    op.drop_index(_INDEX, table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column("place_stated")
        batch.drop_column("area")
