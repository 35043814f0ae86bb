"""The chat's handlers: streaming answers, the length limit, and thumbs up/down feedback.

Per session, ``turns`` (a ``gr.State``, kept on the server) holds one entry per
chat message: what was really said (the raw question; for an answer its
Markdown, kind, citations and the id of any stored feedback), and the escaped
HTML the chat shows for it. The chat is always redrawn from ``turns``, so
nothing the browser sends back is ever displayed, and the bot's history is
built from the raw text, never from HTML.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import asdict, is_dataclass
from typing import Any

import gradio as gr

from feedback.questions import Asked, QuestionLog
from feedback.store import FeedbackError, FeedbackStore
from ui import render, texts

log = logging.getLogger("loa.app")
Turns = list[dict[str, Any]]
MAX_COMMENT = 2000
SHOW_CHAT = (gr.update(visible=False), gr.update(visible=True))  # (examples, conversation)
NO_SUGGESTIONS = gr.update(visible=False, samples=[])


def history(turns: Turns) -> list[dict[str, str]]:
    """What the bot sees: the questions and answers so far, as plain text."""
    return [{"role": t["role"], "content": t["content"]} for t in turns if t.get("in_history")]


def messages(turns: Turns) -> list[dict[str, str]]:
    """What the chat shows: our own escaped HTML for each turn."""
    return [{"role": t["role"], "content": t["html"]} for t in turns]


def _citations(answer: Any) -> list[dict[str, Any]]:
    return [asdict(c) if is_dataclass(c) else dict(c) for c in answer.citations]


def _status(text: str) -> dict[str, Any]:
    return gr.update(value=f"<p class='loa-status' role='status'>{render.esc(text)}</p>" if text else "")


class ChatHandlers:
    def __init__(
        self, bot: Any, max_input_chars: int, store: FeedbackStore | None, questions: QuestionLog | None = None
    ) -> None:
        self.bot = bot
        self.limit = max_input_chars
        self.store = store
        self.questions = questions  # the question log (None: nothing is kept)

    # -- asking ------------------------------------------------------------
    def respond(self, question: str, turns: Turns | None) -> Iterator[tuple]:
        """Yields (messages, turns, question box, examples, conversation, suggestions) as the answer grows.

        The examples make way for the conversation once there is one. When a message was too vague,
        the questions the answer suggests are offered as buttons under it.
        """
        turns, question = [dict(t) for t in turns or []], question or ""
        if not question.strip():
            yield messages(turns), turns, "", gr.update(), gr.update(), gr.update()
            return
        msg_id = f"m{len(turns) + 1}"
        if len(question) > self.limit:
            note = texts.TOO_LONG.format(length=len(question), limit=self.limit)
            turns += [
                {"role": "user", "content": "", "html": render.user_html(question, limit=300)},
                {"role": "assistant", "content": note, "kind": "too_long", "html": render.notice_html(note, "toolong")},
            ]
            yield messages(turns), turns, question, *SHOW_CHAT, NO_SUGGESTIONS
            return
        previous = history(turns)
        turns.append({"role": "user", "content": question, "in_history": True, "html": render.user_html(question)})
        reply: dict[str, Any] = {"role": "assistant", "content": "", "question": question, "kind": "pending"}
        turns.append(reply)
        reply["html"] = render.pending_html()
        yield messages(turns), turns, "", *SHOW_CHAT, NO_SUGGESTIONS
        pieces: list[str] = []
        suggestions = NO_SUGGESTIONS
        try:
            answer = None
            for item in self.bot.stream(question, previous):
                if isinstance(item, str):
                    pieces.append(item)
                    reply["html"] = render.partial_html(pieces)
                    yield messages(turns), turns, "", gr.update(), gr.update(), gr.update()
                else:
                    answer = item
            if answer is None:
                raise RuntimeError("the bot finished without an answer")
            reply.update(
                content=answer.answer,
                kind=answer.kind,
                citations=_citations(answer),
                in_history=True,
                html=render.answer_html(answer, msg_id),
                question_id=self._log(question, answer),
            )
            offered = [str(q) for q in getattr(answer, "suggestions", None) or []]
            if offered:
                suggestions = gr.update(visible=True, samples=[[q] for q in offered])
        except Exception:
            log.exception("answering failed")  # for the operator; the question is not logged
            reply.update(content=texts.ERROR, kind="error", html=render.notice_html(texts.ERROR, "error"))
        yield messages(turns), turns, "", gr.update(), gr.update(), suggestions

    def _log(self, question: str, answer: Any) -> str | None:
        """Queue the question for the log (written after this reply, redacted); its id links feedback to it."""
        if self.questions is None:
            return None
        asked = Asked.of(question, answer, "app")
        self.questions.record(asked)
        return asked.id

    def respond_suggestion(self, chosen: Any, turns: Turns | None) -> Iterator[tuple]:
        """A suggested question was clicked: ask it (Gradio passes the sample's values)."""
        text = chosen[0] if isinstance(chosen, (list, tuple)) and chosen else chosen
        yield from self.respond(str(text or ""), turns)

    def clear(self) -> tuple:
        """Start again: (messages, turns, question box, examples, conversation, feedback target, status, comment,
        suggestions)."""
        return (
            [],
            [],
            "",
            gr.update(visible=True),
            gr.update(visible=False),
            None,
            _status(""),
            gr.update(visible=False),
            NO_SUGGESTIONS,
        )

    # -- feedback ----------------------------------------------------------
    def like(self, turns: Turns | None, data: gr.LikeData) -> tuple:
        """Thumbs up/down (or taking it back). Returns (turns, target, status, comment box)."""
        turns = list(turns or [])
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if not isinstance(index, int) or not 0 <= index < len(turns) or turns[index]["role"] != "assistant":
            return turns, None, _status(""), gr.update()
        turn = dict(turns[index])
        turns[index] = turn
        record = turn.get("feedback_id")
        if self.store is None:
            return turns, None, _status(texts.FEEDBACK_FAILED), gr.update(visible=False)
        try:
            if data.liked in (True, False):
                rating = 1 if data.liked else -1
                if record is None:
                    turn["feedback_id"] = self.store.add(
                        rating,
                        turn.get("question", ""),
                        turn["content"],
                        turn.get("citations", []),
                        turn["kind"],
                        question_id=turn.get("question_id"),
                    )
                else:
                    self.store.set_rating(record, rating)
                return turns, index, _status(texts.FEEDBACK_THANKS), gr.update(visible=True)
            if record is not None:
                self.store.delete(record)
                turn["feedback_id"] = None
            return turns, None, _status(texts.FEEDBACK_REMOVED), gr.update(visible=False)
        except Exception as err:  # FeedbackError above all; never a traceback in the page
            log.warning("feedback not saved: %s", err)
            return turns, None, _status(texts.FEEDBACK_FAILED), gr.update(visible=False)

    def comment(self, comment: str, turns: Turns | None, target: int | None) -> tuple:
        """Returns (comment box, status)."""
        comment = (comment or "").strip()[:MAX_COMMENT]
        turns = turns or []
        record = turns[target].get("feedback_id") if isinstance(target, int) and 0 <= target < len(turns) else None
        if record is None:
            return gr.update(), _status(texts.COMMENT_NO_TARGET)
        if not comment:
            return gr.update(), _status(texts.COMMENT_EMPTY)
        try:
            if self.store is None:
                raise FeedbackError("no store")
            self.store.set_comment(record, comment)
        except Exception as err:
            log.warning("comment not saved: %s", err)
            return gr.update(), _status(texts.FEEDBACK_FAILED)
        return gr.update(value=""), _status(texts.COMMENT_SAVED)
