"""The ``/ask`` API endpoint: the same JSON as ``python -m bot ask --json``.

It returns the JSON as a string, not a dict: gradio_client treats any dict with a
``"path"`` key as a file to download, and an answer has ``"path": "extractive"``.

No ``from __future__ import annotations`` here: ``gr.api`` reads the type hints
at run time to describe the endpoint.
"""

import json
import logging
from typing import Any

from bot.answer import Answer
from ui import texts
from ui.surface import BadRequest, loads

log = logging.getLogger("loa.app")


def _dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def _error(question: str, message: str, note: str) -> str:
    return _dump(Answer(question, message, refused=True, kind="error", notes=[note]).to_json())


def parse_history(history_json: object) -> list:
    """The conversation so far; anything but a JSON string of {role, content} objects is refused clearly."""
    history: object = None
    if not history_json:
        history = []
    elif isinstance(history_json, str):
        try:
            history = loads(history_json.encode("utf-8"))  # refuses deep nesting before parsing it
        except (BadRequest, UnicodeEncodeError):
            history = None
    if not isinstance(history, list) or not all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str)
        for t in history
    ):
        raise ValueError("history_json must be a JSON list of {role, content} objects")
    return [{"role": t["role"], "content": t["content"]} for t in history]


def check_ask(data: list) -> None:
    """The /ask call's values, checked before Gradio sees them (ui/surface.py): a bad history is a 400."""
    try:
        parse_history(data[1] if len(data) > 1 else "[]")
    except ValueError as err:
        raise BadRequest(f"{err}.") from None


def make_ask(bot: Any, max_input_chars: int, questions: Any = None):  # noqa: ANN201 - questions: QuestionLog | None
    def ask(question: str, history_json: str = "[]") -> str:
        """Answer a question about Leeds SEND services from the Leeds documents, with numbered citations.

        question: the question, in plain words.
        history_json: earlier turns as a JSON list of {"role": "user"|"assistant", "content": str}, or "[]".
        Returns the answer as a JSON string: answer, refused, kind, citations, notes, latency_ms and more.
        """
        question = question if isinstance(question, str) else ""
        if len(question) > max_input_chars:
            message = texts.TOO_LONG.format(length=len(question), limit=max_input_chars).split(" Your text")[0]
            return _error(question[:max_input_chars], message, "too_long")
        try:
            turns = parse_history(history_json)
        except ValueError as err:
            return _error(question, f"{err}.", "bad_history")
        try:
            answer = bot.ask(question, turns)
            if questions is not None:  # written after this reply, redacted (feedback/questions.py)
                from feedback.questions import Asked

                questions.record(Asked.of(question, answer, "api"))
            return _dump(answer.to_json())
        except Exception:
            log.exception("answering failed (API)")
            return _error(question, texts.ERROR, "error")

    return ask
