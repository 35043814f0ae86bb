"""Thumbs up/down on answers, kept in SQLite.

Every text a person could have typed (question, answer, comment) passes through
``bot.privacy.redact`` before it is written. A write returns only after its
transaction has committed (WAL, ``synchronous=FULL``), so an acknowledged record
survives the process being killed. Any SQLite or disk error becomes a
:class:`FeedbackError` with a short message, for the caller to show.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.privacy import redact

COLUMNS = ("id", "created_at", "rating", "comment", "question", "answer", "citations", "kind")
MAX_TEXT = 20_000  # characters kept of any one field
_SCHEMA = """
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


class FeedbackError(RuntimeError):
    """Feedback could not be saved or read; the message is safe to show."""


def _clean(text: str | None) -> str:
    return redact(str(text or ""))[:MAX_TEXT]


def _citations(citations: Iterable[Any]) -> str:
    """What identifies each source: enough to find the passage again, without its text."""
    keep = ("n", "doc", "title", "status_label", "section", "chunk_id", "start", "end")
    out = []
    for c in citations:
        item = c if isinstance(c, dict) else vars(c)
        out.append({k: item.get(k) for k in keep if k in item})
    return json.dumps(out, ensure_ascii=False)


class FeedbackStore:
    def __init__(self, path: Path, timeout: float = 3.0) -> None:
        self.path = Path(path)
        self.timeout = timeout

    @contextmanager
    def _connect(self, readonly: bool = False) -> Iterator[sqlite3.Connection]:
        conn = None
        try:
            if readonly:
                if not self.path.exists():
                    raise FeedbackError(f"there is no feedback database at {self.path} yet")
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=self.timeout)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute(_SCHEMA)
            conn.row_factory = sqlite3.Row
            yield conn
        except (sqlite3.Error, OSError) as err:
            action = "read" if readonly else "saved"
            raise FeedbackError(f"feedback could not be {action} ({_reason(err)})") from err
        finally:
            if conn is not None:
                conn.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        """Run one statement in its own transaction; return only once it has committed."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = conn.execute(sql, params)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return int(cursor.lastrowid or cursor.rowcount)

    def journal_mode(self) -> str:
        with self._connect() as conn:
            return str(conn.execute("PRAGMA journal_mode").fetchone()[0])

    def add(
        self,
        rating: int,
        question: str,
        answer: str,
        citations: Iterable[Any] = (),
        kind: str = "answer",
        comment: str = "",
    ) -> int:
        """Store one rating (+1 or -1); returns its id once committed."""
        if rating not in (1, -1):
            raise ValueError("rating must be 1 or -1")
        created = datetime.now(UTC).isoformat(timespec="seconds")
        return self._write(
            "INSERT INTO feedback (created_at, rating, comment, question, answer, citations, kind)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (created, rating, _clean(comment), _clean(question), _clean(answer), _citations(citations), kind[:40]),
        )

    def set_rating(self, record_id: int, rating: int) -> None:
        if rating not in (1, -1):
            raise ValueError("rating must be 1 or -1")
        self._write("UPDATE feedback SET rating = ? WHERE id = ?", (rating, record_id))

    def set_comment(self, record_id: int, comment: str) -> None:
        self._write("UPDATE feedback SET comment = ? WHERE id = ?", (_clean(comment), record_id))

    def delete(self, record_id: int) -> None:
        self._write("DELETE FROM feedback WHERE id = ?", (record_id,))

    def rows(self) -> list[dict[str, Any]]:
        with self._connect(readonly=True) as conn:
            return [dict(r) for r in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id")]

    def export_csv(self, out: TextIO) -> int:
        """Write every record as CSV (with a header); returns the number of records."""
        rows = self.rows()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_cell(row[c]) for c in COLUMNS])
        return len(rows)


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _reason(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0][:200]
