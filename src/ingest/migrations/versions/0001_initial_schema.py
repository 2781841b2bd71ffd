"""The initial schema: the tables as they were when migrations were introduced.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:47:04.467576
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create_table(name: str, *columns, **kw) -> None:
    """Databases made before migrations (``create_all``) have most tables already: this
    revision creates only what is missing of them."""
    if not sa.inspect(op.get_bind()).has_table(name):
        op.create_table(name, *columns, **kw)


def _create_index(name: str, table: str, columns: list[str], *, unique: bool) -> None:
    if name not in {index["name"] for index in sa.inspect(op.get_bind()).get_indexes(table)}:
        op.create_index(name, table, columns, unique=unique)


def upgrade() -> None:
    _create_table(
        "article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("published_at", sa.Date(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(), nullable=True),
        sa.Column("last_modified", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_index("ix_article_source", "article", ["source"], unique=False)
    _create_index("ix_article_url", "article", ["url"], unique=True)

    _create_table(
        "host_slot",
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("host"),
    )
    _create_table(
        "review_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("event", sa.String(), nullable=True),
        sa.Column("place", sa.String(), nullable=True),
        sa.Column("measure", sa.String(), nullable=True),
        sa.Column("subject", sa.String(), nullable=True),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assignee", sa.String(), nullable=True),
        sa.Column("verdict", sa.String(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_index("ix_review_item_created_at", "review_item", ["created_at"], unique=False)
    _create_index("ix_review_item_event", "review_item", ["event"], unique=False)
    _create_index("ix_review_item_kind", "review_item", ["kind"], unique=False)
    _create_index("ix_review_item_measure", "review_item", ["measure"], unique=False)
    _create_index("ix_review_item_priority", "review_item", ["priority", "id"], unique=False)
    _create_index("ix_review_item_status", "review_item", ["status"], unique=False)
    _create_index(
        "ix_review_item_status_created", "review_item", ["status", "created_at", "id"], unique=False
    )
    _create_index(
        "ix_review_item_status_priority", "review_item", ["status", "priority", "id"], unique=False
    )

    _create_table(
        "reviewer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_index("ix_reviewer_username", "reviewer", ["username"], unique=True)

    _create_table(
        "run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trigger", sa.String(), nullable=False),
        sa.Column("flow_run_id", sa.String(), nullable=True),
        sa.Column("sources", sa.String(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_table(
        "article_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("final_url", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("authors", sa.String(), nullable=True),
        sa.Column("site_name", sa.String(), nullable=True),
        sa.Column("published_at", sa.Date(), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "version", name="uq_article_version"),
    )
    _create_index("ix_article_version_article_id", "article_version", ["article_id"], unique=False)
    _create_index(
        "ix_article_version_content_hash", "article_version", ["content_hash"], unique=False
    )

    _create_table(
        "review_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["review_item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_index("ix_review_log_item_id", "review_log", ["item_id"], unique=False)

    _create_table(
        "url_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_index("ix_url_outcome_run_id", "url_outcome", ["run_id"], unique=False)

    _create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["reviewer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_index("ix_web_session_reviewer_id", "web_session", ["reviewer_id"], unique=False)
    _create_index("ix_web_session_token_hash", "web_session", ["token_hash"], unique=True)

    _create_table(
        "figure_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("published_at", sa.Date(), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("sentence_index", sa.Integer(), nullable=False),
        sa.Column("quote", sa.String(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("bound", sa.String(), nullable=False),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("approx", sa.Boolean(), nullable=False),
        sa.Column("measure", sa.String(), nullable=True),
        sa.Column("subject", sa.String(), nullable=True),
        sa.Column("subject_text", sa.String(), nullable=True),
        sa.Column("attributed_to", sa.String(), nullable=True),
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("place", sa.String(), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("event", sa.String(), nullable=True),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("in_title", sa.Boolean(), nullable=False),
        sa.Column("stance", sa.String(), nullable=True),
        sa.Column("incident_kind", sa.String(), nullable=True),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["article_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "version_id", "sentence_index", "start", name="uq_figure_claim_position"
        ),
    )
    _create_index("ix_figure_claim_article_id", "figure_claim", ["article_id"], unique=False)
    _create_index("ix_figure_claim_event", "figure_claim", ["event"], unique=False)
    _create_index(
        "ix_figure_claim_place_measure", "figure_claim", ["place", "measure"], unique=False
    )
    _create_index("ix_figure_claim_source", "figure_claim", ["source"], unique=False)
    _create_index("ix_figure_claim_version_id", "figure_claim", ["version_id"], unique=False)

    _create_table(
        "review_item_claim",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["figure_claim.id"],
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["review_item.id"],
        ),
        sa.PrimaryKeyConstraint("item_id", "claim_id"),
    )
    _create_index("ix_review_item_claim_claim_id", "review_item_claim", ["claim_id"], unique=False)


def downgrade() -> None:
    op.drop_table("review_item_claim")
    op.drop_table("figure_claim")
    op.drop_table("web_session")
    op.drop_table("url_outcome")
    op.drop_table("review_log")
    op.drop_table("article_version")
    op.drop_table("run")
    op.drop_table("reviewer")
    op.drop_table("review_item")
    op.drop_table("host_slot")
    op.drop_table("article")
