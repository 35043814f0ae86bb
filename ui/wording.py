"""The staff tab: find the exact wording of a passage, with its document, section, status and context.

Results put passages that hold the searched words exactly first, then the
passages the assistant itself would rank highest. When ``staff_password`` is set
the tab starts locked; the lock is checked on the server for every search and
export, not only by hiding the controls.
"""

from __future__ import annotations

import hmac
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from feedback.store import FeedbackError, FeedbackStore
from ui import render, texts

SLOTS = 6


@dataclass(frozen=True)
class Hit:
    passage: Any
    before: str
    after: str
    exact: bool


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


class WordingSearch:
    def __init__(self, bot: Any, password: str, store: FeedbackStore | None, max_chars: int = 2000) -> None:
        self.bot = bot
        self.password = password
        self.store = store
        self.max_chars = max_chars

    @property
    def locked_at_start(self) -> bool:
        return bool(self.password)

    def documents(self) -> list[tuple[str, str]]:
        titles = {p.doc: p.title or p.doc for p in self.bot.retriever.passages.values()}
        return [("All documents", "")] + sorted(((t, d) for d, t in titles.items()), key=lambda x: x[0].lower())

    def find(self, query: str, doc: str = "", status: str = "", limit: int = SLOTS) -> list[Hit]:
        words = _norm(query)
        if not words:
            return []

        def keep(p: Any) -> bool:
            return (not doc or p.doc == doc) and (not status or p.status == status)

        corpus = self.bot.retriever.passages
        ranked = [p.id for p in self.bot.search(words) if keep(p)]
        exact = [p.id for p in sorted(corpus.values(), key=lambda p: (p.is_draft, p.doc, p.start)) if keep(p)]
        exact = [i for i in exact if words in _norm(corpus[i].text)]
        order = [i for i in ranked if i in exact] + [i for i in exact if i not in ranked] + ranked
        hits, seen = [], set()
        for pid in order:
            if pid in seen:
                continue
            seen.add(pid)
            before, passage, after = self.bot.context(pid)
            hits.append(Hit(passage, before, after, pid in exact))
            if len(hits) == limit:
                break
        return hits

    # -- handlers ----------------------------------------------------------
    def unlock(self, attempt: str) -> tuple:
        """Returns (unlocked, gate, panel, message, password box)."""
        if not self.password or hmac.compare_digest((attempt or "").encode(), self.password.encode()):
            return True, gr.update(visible=False), gr.update(visible=True), _msg(texts.WORDING_UNLOCKED), ""
        time.sleep(1.0)  # slows down guessing
        return False, gr.update(), gr.update(visible=False), _msg(texts.WORDING_BAD_PASSWORD), ""

    def search(self, query: str, doc: str, status: str, unlocked: bool) -> list:
        """Returns the summary, then (group, header, passage, context) for each slot."""
        empty = [gr.update(visible=False), "", "", ""] * SLOTS
        if not unlocked:
            return [_msg(texts.WORDING_LOCKED), *empty]
        query = query or ""
        if len(query) > self.max_chars:
            return [_msg(texts.WORDING_TOO_LONG.format(limit=self.max_chars)), *empty]
        if not query.strip():
            return [_msg(texts.WORDING_NEED_QUERY), *empty]
        try:
            hits = self.find(query, doc or "", status or "")
        except Exception:
            return [_msg(texts.ERROR), *empty]
        if not hits:
            return [_msg(texts.WORDING_NONE), *empty]
        exact = sum(h.exact for h in hits)
        summary = f"Showing {len(hits)} passage{'s' if len(hits) != 1 else ''} for “{query.strip()}”"
        closest = ". None has your exact words; these are the closest."
        summary += f": {exact} with your exact words." if exact else closest
        out: list = [_msg(summary)]
        for i in range(SLOTS):
            if i < len(hits):
                h = hits[i]
                context = "\n\n".join(t.strip() for t in (h.before, h.passage.text, h.after) if t.strip())
                out += [gr.update(visible=True), header(i + 1, h), h.passage.text, context]
            else:
                out += [gr.update(visible=False), "", "", ""]
        return out

    def export(self, unlocked: bool) -> tuple:
        """Returns (file, message)."""
        if not unlocked:
            return gr.update(visible=False, value=None), _msg(texts.WORDING_LOCKED)
        try:
            if self.store is None:
                raise FeedbackError("no feedback store")
            out = Path(tempfile.mkdtemp(prefix="loa-feedback-")) / "feedback.csv"
            with out.open("w", encoding="utf-8", newline="") as handle:
                count = self.store.export_csv(handle)
        except (FeedbackError, OSError) as err:
            return gr.update(visible=False, value=None), _msg(f"The feedback file couldn't be made: {err}")
        s = "" if count == 1 else "s"
        return gr.update(visible=True, value=str(out)), _msg(texts.EXPORT_DONE.format(count=count, s=s))


def _msg(text: str) -> str:
    return f"<p class='loa-status' role='status'>{render.esc(text)}</p>"


def header(n: int, hit: Hit) -> str:
    p = hit.passage
    match = "Has your exact words" if hit.exact else "Related passage"
    return (
        f'<div class="loa-hit"><p class="loa-hit-head"><span class="loa-card-n">{n}.</span> '
        f"<strong>{render.esc(p.title)}</strong> {render.badge(p.status, p.status_label)} "
        f'<span class="loa-match">{match}</span></p>'
        f'<p class="loa-hit-section">Section: {render.esc(p.section)}</p></div>'
    )


def build_tab(search: WordingSearch) -> None:
    """The tab's components and events; call inside a ``gr.Tab``."""
    unlocked = gr.State(not search.locked_at_start)
    gr.Markdown(texts.WORDING_INTRO)
    with gr.Group(visible=search.locked_at_start) as gate:
        password = gr.Textbox(label="Staff password", type="password", max_lines=1)
        unlock_btn = gr.Button("Unlock", variant="primary")
    gate_msg = gr.HTML(_msg(texts.WORDING_LOCKED) if search.locked_at_start else "")
    with gr.Column(visible=not search.locked_at_start) as panel:
        with gr.Row(equal_height=False):
            query = gr.Textbox(label="Words or phrase to find", scale=3, max_lines=1, placeholder="For example: budget")
            doc = gr.Dropdown(search.documents(), value="", label="Document", scale=2)
            status = gr.Radio(
                [("Any status", ""), ("Published", "published"), ("Draft", "draft")], value="", label="Status", scale=2
            )
        find_btn = gr.Button("Search the documents", variant="primary")
        summary = gr.HTML("")
        slots: list = []
        for _ in range(SLOTS):
            with gr.Group(visible=False, elem_classes="loa-hit-group") as group:
                head = gr.HTML("")
                text = gr.Textbox(label="Exact wording", buttons=["copy"], interactive=False, lines=2, max_lines=14)
                with gr.Accordion("Show the text around it", open=False):
                    context = gr.Textbox(
                        label="The passage with the text before and after it (same section)",
                        buttons=["copy"],
                        interactive=False,
                        lines=3,
                        max_lines=24,
                    )
            slots += [group, head, text, context]
        with gr.Accordion("Feedback from users", open=False):
            export_btn = gr.Button("Make a CSV file of all feedback")
            export_msg = gr.HTML("")
            export_file = gr.File(label="Feedback CSV", visible=False, interactive=False)
    private = {"api_visibility": "private"}
    for trigger in (unlock_btn.click, password.submit):
        trigger(search.unlock, password, [unlocked, gate, panel, gate_msg, password], **private)
    for trigger in (find_btn.click, query.submit):
        trigger(search.search, [query, doc, status, unlocked], [summary, *slots], concurrency_id="bot", **private)
    export_btn.click(search.export, unlocked, [export_file, export_msg], **private)
