"""The app's log: nothing a family typed reaches it, and one bad request repeated can't fill a disk.

Every record the app, Gradio, uvicorn or httpx writes goes through the root logger's handler, whose
filters redact personal details (bot/privacy.py: phone numbers, emails, postcodes, NHS numbers, names)
in the message, its arguments and any traceback, and drop a record identical to one already written
``RepeatSettings.allowed`` times in the last ``window`` seconds (a count of what was dropped follows the
next record let through). Gradio also prints some tracebacks straight to standard error
(``traceback.print_exc``), so standard error is wrapped too: each traceback or line written there is
redacted and rate-limited in the same way.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from dataclasses import dataclass
from typing import TextIO

from bot.privacy import redact

# libraries that write where a request's content could show up
LIBRARY_LOGGERS = ("gradio", "uvicorn", "uvicorn.error", "uvicorn.access", "httpx", "httpcore", "fastapi", "starlette")
_DIGITS = re.compile(r"0x[0-9a-f]+|\d+")


@dataclass(frozen=True)
class RepeatSettings:
    window: float = 60.0  # seconds
    allowed: int = 3  # identical records written per window; the rest are counted, not written


class Repeats:
    """Counts identical messages; thread-safe, since handlers run on many threads."""

    def __init__(self, settings: RepeatSettings | None = None, clock=time.monotonic) -> None:  # noqa: ANN001
        self.settings = settings or RepeatSettings()
        self.clock = clock
        self._seen: dict[str, tuple[float, int]] = {}
        self._dropped = 0
        self._lock = threading.Lock()

    def admit(self, text: str) -> tuple[bool, int]:
        """(write it?, how many records were dropped since the last one written)."""
        key = _DIGITS.sub("#", text)[-500:]  # addresses and counts differ between otherwise identical errors
        now = self.clock()
        with self._lock:
            if len(self._seen) > 1000:
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.settings.window}
            start, count = self._seen.get(key, (now, 0))
            if now - start >= self.settings.window:
                start, count = now, 0
            self._seen[key] = (start, count + 1)
            if count >= self.settings.allowed:
                self._dropped += 1
                return False, 0
            dropped, self._dropped = self._dropped, 0
            return True, dropped


class RedactFilter(logging.Filter):
    """Rewrites a record's message and traceback with personal details replaced by placeholders."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record whose arguments don't fit its format: keep the template
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RepeatFilter(logging.Filter):
    def __init__(self, repeats: Repeats) -> None:
        super().__init__()
        self.repeats = repeats

    def filter(self, record: logging.LogRecord) -> bool:
        text = f"{record.name}|{record.levelno}|{record.getMessage()}|{(record.exc_text or '')[-300:]}"
        admitted, dropped = self.repeats.admit(text)
        if admitted and dropped:
            record.msg = f"{record.getMessage()} ({dropped} repeated log record(s) were left out before this one)"
            record.args = None
        return admitted


class RedactingStream:
    """A text stream (standard error) whose lines and tracebacks are redacted and rate-limited before writing."""

    def __init__(self, stream: TextIO, repeats: Repeats) -> None:
        self.stream = stream
        self.repeats = repeats
        self._pending = ""
        self._block: list[str] = []  # the lines of a traceback being written
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            while "\n" in self._pending:
                line, self._pending = self._pending.split("\n", 1)
                self._line(line)
        return len(text)

    def _line(self, line: str) -> None:
        if line.startswith("Traceback (most recent call last):") or (
            self._block and (line.startswith((" ", "\t")) or not line.strip())
        ):
            self._block.append(line)
            return
        if self._block:  # the exception's own line ends the traceback
            self._block.append(line)
            self._emit("\n".join(self._block))
            self._block = []
            return
        self._emit(line)

    def _emit(self, text: str) -> None:
        admitted, dropped = self.repeats.admit(text)
        if not admitted:
            return
        if dropped:
            self.stream.write(f"({dropped} repeated log record(s) were left out before this one)\n")
        self.stream.write(redact(text) + "\n")
        self.stream.flush()

    def flush(self) -> None:
        with self._lock:
            if self._block:
                self._emit("\n".join(self._block))
                self._block = []
            if self._pending:
                self._emit(self._pending)
                self._pending = ""
        self.stream.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", "utf-8")


def configure_logging(level: int = logging.INFO, repeat: RepeatSettings | None = None) -> None:
    """Ours at ``level``; libraries from WARNING; every record redacted and rate-limited; stderr wrapped."""
    repeats = Repeats(repeat)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    original = sys.stderr.stream if isinstance(sys.stderr, RedactingStream) else sys.stderr
    handler = logging.StreamHandler(original)  # the filters below already redact and rate-limit records
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(lambda record: record.levelno >= logging.WARNING or record.name.startswith("loa"))
    handler.addFilter(RedactFilter())
    handler.addFilter(RepeatFilter(repeats))
    root.addHandler(handler)
    for name in LIBRARY_LOGGERS:  # their own handlers would bypass ours: everything goes through the root's
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    sys.stderr = RedactingStream(original, repeats)  # type: ignore[assignment]
