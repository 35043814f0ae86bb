"""The feedback table, as the app kept it in SQLite before migrations existed.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("question", sa.Text, nullable=False, server_default=""),
        sa.Column("answer", sa.Text, nullable=False, server_default=""),
        sa.Column("citations", sa.Text, nullable=False, server_default="[]"),
        sa.Column("kind", sa.Text, nullable=False, server_default="answer"),
        sa.CheckConstraint("rating IN (-1, 1)", name="feedback_rating"),
    )


def downgrade() -> None:
    op.drop_table("feedback")
