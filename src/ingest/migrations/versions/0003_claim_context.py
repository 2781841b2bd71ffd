"""Figure claims keep what the conflict rules need to tell incidents and texts apart: the
places their article names (``setting``, ``conflicts.same_place``), whether they are one
place's share of a breakdown (``part``), who carried the incident out (``side``), and a
fingerprint of their sentence and the text they belong to (``sentence_hash``, ``text_id``:
an agency story reprinted by several outlets is one text, ``store.copied_text``).

Revision ID: 0003
Revises: 0002

Claims stored before this revision have none of these; they are matched as before (by place
alone, each version its own text).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    sa.Column("setting", sa.Text(), nullable=True),
    sa.Column("sentence_hash", sa.String(), nullable=True),
    sa.Column("text_id", sa.Integer(), nullable=True),
    sa.Column("part", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("side", sa.String(), nullable=True),
)
_INDEX = "ix_figure_claim_sentence_hash"


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    present = {c["name"] for c in inspector.get_columns("figure_claim")}
    for column in _COLUMNS:
        if column.name not in present:  # databases made from newer models may have them
            op.add_column("figure_claim", column.copy())
    if _INDEX not in {i["name"] for i in inspector.get_indexes("figure_claim")}:
        op.create_index(_INDEX, "figure_claim", ["sentence_hash"])


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="figure_claim")
    with op.batch_alter_table("figure_claim") as batch:
        for column in reversed(_COLUMNS):
            batch.drop_column(column.name)
