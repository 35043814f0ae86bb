"""The question log: what families asked and how it was answered, for the staff area. Written after the reply.

Every question asked in the app or through ``/ask`` is kept, redacted as feedback is (bot/privacy.py),
with its route, intent, service, outcome (answered, partly, declined, ...), the sections cited and the
latency. ``record`` only queues it: a background thread embeds the redacted question (for the staff
area's topics) and writes it, so logging never slows an answer. Records older than ``LOA_LOG_DAYS``
are deleted when the log starts and every hour; ``LOA_QUESTION_LOG=off`` keeps nothing.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from bot.privacy import redact
from feedback.db import Database, DatabaseError, reason
from feedback.schema import questions

log = logging.getLogger("loa.questions")
PURGE_EVERY = 3600.0  # seconds
MAX_TEXT = 4000  # characters kept of a question
QUEUE_SIZE = 10_000  # beyond this (a database that stays down), new records are dropped, not kept in memory


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Asked:
    """One question and how it was answered, as the app saw it (nothing here is written unredacted)."""

    id: str
    question: str
    channel: str  # app or api
    route: str
    intent: str
    service: str
    outcome: str
    sections: tuple[str, ...]
    latency_ms: float
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def of(cls, question: str, answer: Any, channel: str, id_: str | None = None) -> Asked:  # noqa: ANN401
        sections = tuple(dict.fromkeys(str(getattr(c, "section", "")) for c in getattr(answer, "citations", [])))
        return cls(
            id=id_ or new_id(),
            question=question,
            channel=channel,
            route=str(getattr(answer, "route", "") or "answer"),
            intent=str(getattr(answer, "intent", "")),
            service=str(getattr(answer, "service", "")),
            outcome=str(getattr(answer, "outcome", "answered")),
            sections=sections,
            latency_ms=float(getattr(answer, "latency_ms", 0.0)),
        )


class QuestionLog:
    def __init__(
        self, db: Database, embed: Callable[[str], np.ndarray] | None = None, days: int = 90, enabled: bool = True
    ) -> None:
        self.db = db
        self.embed = embed
        self.days = days
        self.enabled = enabled
        self._queue: queue.Queue[Asked | None] = queue.Queue(maxsize=QUEUE_SIZE)
        self._worker: threading.Thread | None = None
        self._purged = 0.0

    @classmethod
    def from_settings(cls, settings, embed: Callable[[str], np.ndarray] | None = None) -> QuestionLog | None:  # noqa: ANN001
        """None when the log is switched off (LOA_QUESTION_LOG=off) or the database can't be opened."""
        if not settings.question_log:
            return None
        try:
            return cls(Database.open(settings.database), embed, settings.log_days)
        except DatabaseError as err:
            log.warning("the question log is off: %s", err)
            return None

    # -- writing ---------------------------------------------------------------
    def record(self, asked: Asked) -> None:
        """Queue one question; it is written by the log's own thread. Never raises, never blocks."""
        if not self.enabled:
            return
        self._start()
        try:
            self._queue.put_nowait(asked)
        except queue.Full:
            log.warning("the question log is behind; a question was not logged")

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until everything queued so far is written (tests, and shutting down)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def _start(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._run, name="question-log", daemon=True)
            self._worker.start()

    def _run(self) -> None:
        while True:
            asked = self._queue.get()
            try:
                if asked is not None:
                    self.write(asked)
                if time.monotonic() - self._purged > PURGE_EVERY:
                    self.purge()
            except Exception as err:  # noqa: BLE001 - a lost log line must never take the app down
                log.warning("a question was not logged: %s", reason(err))
            finally:
                self._queue.task_done()

    def write(self, asked: Asked) -> None:
        text = redact(asked.question)[:MAX_TEXT]
        vector = None
        if self.embed is not None and asked.outcome not in ("crisis", "error"):
            vector = np.asarray(self.embed(text), dtype=np.float32).tobytes()
        row = {
            "id": asked.id,
            "created_at": asked.at.isoformat(timespec="seconds"),
            "question": text,
            "channel": asked.channel[:16],
            "route": asked.route[:24],
            "intent": asked.intent[:24],
            "service": asked.service[:200],
            "outcome": asked.outcome[:16],
            "sections": json.dumps(list(asked.sections), ensure_ascii=False),
            "latency_ms": round(asked.latency_ms, 1),
            "vector": vector,
        }
        with self.db.engine.begin() as conn:
            conn.execute(insert(questions).values(**row))

    def purge(self, now: datetime | None = None) -> int:
        """Delete questions older than the retention period; returns how many."""
        cutoff = ((now or datetime.now(UTC)) - timedelta(days=self.days)).isoformat(timespec="seconds")
        with self.db.engine.begin() as conn:
            deleted = conn.execute(delete(questions).where(questions.c.created_at < cutoff)).rowcount or 0
        self._purged = time.monotonic()
        return int(deleted)

    # -- reading ---------------------------------------------------------------
    def count(self) -> int:
        try:
            with self.db.engine.connect() as conn:
                return int(conn.execute(select(func.count()).select_from(questions)).scalar() or 0)
        except SQLAlchemyError as err:
            raise DatabaseError(f"the question log can't be read ({reason(err)})") from err

    def since(self, days: int) -> list[dict[str, Any]]:
        """Every question of the last ``days`` days, oldest first."""
        cutoff = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        try:
            with self.db.engine.connect() as conn:
                result = conn.execute(
                    select(questions).where(questions.c.created_at >= cutoff).order_by(questions.c.created_at)
                )
                return [dict(r._mapping) for r in result]
        except SQLAlchemyError as err:
            raise DatabaseError(f"the question log can't be read ({reason(err)})") from err
