"""Thumbs up/down on answers, kept in the app's database (SQLite by default, or Postgres).

Every text a person could have typed (question, answer, comment) passes through
``bot.privacy.redact`` before it is written. A write returns only after its
transaction has committed (SQLite: WAL, ``synchronous=FULL``), so an acknowledged record
survives the process being killed. Any database or disk error becomes a
:class:`FeedbackError` with a short message, for the caller to show.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from bot.privacy import redact
from feedback.db import Database, DatabaseError, reason, sqlite_url
from feedback.schema import feedback

COLUMNS = ("id", "created_at", "rating", "comment", "question", "answer", "citations", "kind")
MAX_TEXT = 20_000  # characters kept of any one field


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
    """Feedback in the app's database (feedback/db.py): a SQLite file by default, or any SQLAlchemy URL."""

    def __init__(self, where: Path | str, timeout: float = 3.0) -> None:
        """``where``: a SQLite file, or a database URL (``sqlite:///...``, ``postgresql+psycopg://...``)."""
        text_ = str(where)
        self.url = text_ if "://" in text_ else sqlite_url(where)
        self.path = Path(self.url.split("///", 1)[1]) if self.url.startswith("sqlite:///") else None
        self.timeout = timeout

    def _db(self, readonly: bool = False) -> Database:
        if readonly and self.path is not None and not self.path.exists():
            raise FeedbackError(f"there is no feedback database at {self.path} yet")
        try:
            return Database.open(self.url, self.timeout)
        except DatabaseError as err:
            raise FeedbackError(f"feedback could not be {'read' if readonly else 'saved'} ({err})") from err

    @contextmanager
    def _transaction(self, readonly: bool = False) -> Iterator[Any]:
        """One transaction; it has committed when the block ends. Database errors become FeedbackError."""
        try:
            with self._db(readonly).engine.begin() as conn:
                yield conn
        except (SQLAlchemyError, OSError) as err:
            raise FeedbackError(f"feedback could not be {'read' if readonly else 'saved'} ({reason(err)})") from err

    def journal_mode(self) -> str:
        with self._transaction() as conn:
            return str(conn.exec_driver_sql("PRAGMA journal_mode").scalar())

    def add(
        self,
        rating: int,
        question: str,
        answer: str,
        citations: Iterable[Any] = (),
        kind: str = "answer",
        comment: str = "",
        question_id: str | None = None,
    ) -> int:
        """Store one rating (+1 or -1); returns its id once committed."""
        if rating not in (1, -1):
            raise ValueError("rating must be 1 or -1")
        row = {
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "rating": rating,
            "comment": _clean(comment),
            "question": _clean(question),
            "answer": _clean(answer),
            "citations": _citations(citations),
            "kind": kind[:40],
            "question_id": question_id,
        }
        with self._transaction() as conn:
            return int(conn.execute(insert(feedback).values(**row)).inserted_primary_key[0])

    def set_rating(self, record_id: int, rating: int) -> None:
        if rating not in (1, -1):
            raise ValueError("rating must be 1 or -1")
        with self._transaction() as conn:
            conn.execute(update(feedback).where(feedback.c.id == record_id).values(rating=rating))

    def set_comment(self, record_id: int, comment: str) -> None:
        with self._transaction() as conn:
            conn.execute(update(feedback).where(feedback.c.id == record_id).values(comment=_clean(comment)))

    def delete(self, record_id: int) -> None:
        with self._transaction() as conn:
            conn.execute(delete(feedback).where(feedback.c.id == record_id))

    def rows(self) -> list[dict[str, Any]]:
        with self._transaction(readonly=True) as conn:
            result = conn.execute(select(*[feedback.c[c] for c in COLUMNS]).order_by(feedback.c.id))
            return [dict(r._mapping) for r in result]

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
