"""The app's database on SQLite and Postgres: feedback kept, and an old feedback file migrated with nothing lost."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from sqlalchemy import inspect, text

from feedback.db import Database
from feedback.store import FeedbackStore

OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    citations TEXT NOT NULL DEFAULT '[]',
    kind TEXT NOT NULL DEFAULT 'answer'
)
"""


def test_feedback_on_both_backends(database_url: str) -> None:
    store = FeedbackStore(database_url)
    first = store.add(1, "what is portage? call 07700 900123", "Portage is ...", question_id="q1")
    second = store.add(-1, "and their email?", "Email ...", comment="not helpful")
    store.set_rating(first, -1)
    store.set_comment(first, "my email is jo@example.com")
    store.delete(second)
    rows = store.rows()
    assert [r["id"] for r in rows] == [first] and rows[0]["rating"] == -1
    assert "07700" not in rows[0]["question"] and "jo@example.com" not in rows[0]["comment"]
    out = io.StringIO()
    assert store.export_csv(out) == 1 and "portage" in out.getvalue()
    tables = set(inspect(Database.open(database_url).engine).get_table_names())
    assert {"feedback", "questions", "staff_sessions", "audit", "app_secret", "alembic_version"} <= tables


def test_an_old_feedback_file_is_migrated_in_place_with_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(OLD_SCHEMA)
        conn.executemany(
            "INSERT INTO feedback (created_at, rating, comment, question, answer, citations, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (f"2026-11-0{i % 9 + 1}T10:00:00+00:00", 1 if i % 2 else -1, f"c{i}", f"q{i}", f"a{i}", "[]", "answer")
                for i in range(250)
            ],
        )
        conn.execute("DELETE FROM feedback WHERE id = 7")  # a gap in the ids must survive too
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT * FROM feedback ORDER BY id").fetchall()
    store = FeedbackStore(path)
    after = [
        tuple(r[c] for c in ("id", "created_at", "rating", "comment", "question", "answer", "citations", "kind"))
        for r in store.rows()
    ]
    assert after == before and len(after) == 249
    with Database.open(store.url).engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    new = store.add(1, "q", "a")
    assert new > 250 and len(store.rows()) == 250
    Database._open.clear()  # a second start finds nothing to do
    assert len(FeedbackStore(path).rows()) == 250
