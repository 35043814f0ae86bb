"""The records the app keeps, as SQLAlchemy Core tables: one schema for SQLite and Postgres.

- ``feedback``: thumbs up or down on an answer, with an optional comment (redacted).
- ``questions``: the question log: what families asked (redacted), how it was answered, for staff.
- ``staff_sessions``: signed-in staff sessions, kept on the server (the cookie holds only a random id).
- ``audit``: every staff sign-in, failed sign-in and export.
- ``app_secret``: a secret the processes share (the session cookie's signing key) when none is configured.

The tables are created and changed only by the Alembic migrations in feedback/migrations/.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", Text, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("question", Text, nullable=False, server_default=""),
    Column("answer", Text, nullable=False, server_default=""),
    Column("citations", Text, nullable=False, server_default="[]"),
    Column("kind", Text, nullable=False, server_default="answer"),
    Column("question_id", String(32), nullable=True),  # the question log entry it rates
)

questions = Table(
    "questions",
    metadata,
    Column("id", String(32), primary_key=True),  # a random id the app gives the question
    Column("created_at", Text, nullable=False),  # ISO 8601, UTC
    Column("question", Text, nullable=False),  # redacted
    Column("channel", String(16), nullable=False),  # app or api
    Column("route", String(24), nullable=False),
    Column("intent", String(24), nullable=False, server_default=""),
    Column("service", Text, nullable=False, server_default=""),
    Column("outcome", String(16), nullable=False),  # answered, partly, declined, crisis, reply, error
    Column("sections", Text, nullable=False, server_default="[]"),  # JSON list of the sections cited
    Column("latency_ms", Float, nullable=False, server_default="0"),
    Column("vector", LargeBinary, nullable=True),  # the redacted question's MiniLM vector (float32), for topics
    Index("questions_created", "created_at"),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # sha256 of the cookie's random id
    Column("username", String(100), nullable=False),
    Column("created_at", Float, nullable=False),  # Unix seconds
    Column("expires_at", Float, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),  # Unix seconds
    Column("event", String(24), nullable=False),  # sign-in, failed sign-in, locked out, sign-out, export
    Column("username", String(100), nullable=False, server_default=""),
    Column("client", String(64), nullable=False, server_default=""),  # the client's address
    Column("detail", Text, nullable=False, server_default=""),
    Index("audit_event_at", "event", "at"),
)

app_secret = Table(
    "app_secret",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Text, nullable=False),
)
