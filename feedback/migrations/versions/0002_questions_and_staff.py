"""The question log, staff sessions, the audit trail and the shared secret; feedback links its question.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("question_id", sa.String(32), nullable=True))
    op.create_table(
        "questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("route", sa.String(24), nullable=False),
        sa.Column("intent", sa.String(24), nullable=False, server_default=""),
        sa.Column("service", sa.Text, nullable=False, server_default=""),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("sections", sa.Text, nullable=False, server_default="[]"),
        sa.Column("latency_ms", sa.Float, nullable=False, server_default="0"),
        sa.Column("vector", sa.LargeBinary, nullable=True),
    )
    op.create_index("questions_created", "questions", ["created_at"])
    op.create_table(
        "staff_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("event", sa.String(24), nullable=False),
        sa.Column("username", sa.String(100), nullable=False, server_default=""),
        sa.Column("client", sa.String(64), nullable=False, server_default=""),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("audit_event_at", "audit", ["event", "at"])
    op.create_table(
        "app_secret",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("app_secret", "audit", "staff_sessions", "questions"):
        op.drop_table(table)
    with op.batch_alter_table("feedback") as batch:
        batch.drop_column("question_id")
