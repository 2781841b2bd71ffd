"""Figure claims keep the places their article names (``setting``), for matching one incident
placed differently by two outlets (``conflicts.same_place``).

Revision ID: 0003
Revises: 0002

Claims stored before this revision have no setting; they are matched by place alone, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("figure_claim")}
    if "setting" not in columns:  # databases made from newer models may have it already
        op.add_column("figure_claim", sa.Column("setting", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("figure_claim") as batch:
        batch.drop_column("setting")
