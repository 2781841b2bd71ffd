"""Article versions keep the page's own "updated" date and its revision note.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _add_column(table: str, column: sa.Column) -> None:
    """Databases made before migrations from newer models may have the column already."""
    if column.name not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}:
        op.add_column(table, column)


def upgrade() -> None:
    _add_column("article_version", sa.Column("modified_at", sa.Date(), nullable=True))
    _add_column("article_version", sa.Column("update_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article_version") as batch:
        batch.drop_column("update_note")
        batch.drop_column("modified_at")
