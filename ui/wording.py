"""The staff area's wording search: a passage's exact wording, with its document, section, status and context.

Results put passages that hold the searched words exactly first, then the
passages the assistant itself would rank highest. They are plain HTML (every
corpus string escaped), so the text can be read, selected and copied by keyboard
and screen reader; the "Copy" buttons are real buttons (ui/head.html).

The staff area (ui/staff.py) is reached only when signed in; each handler checks the request's
signed-in user again, so no search or export runs for anyone else.
"""

from __future__ import annotations

import base64
import io
import logging
import re
from dataclasses import dataclass
from typing import Any

import gradio as gr

from feedback.store import FeedbackStore
from ui import render, texts

MAX_RESULTS = 6
log = logging.getLogger("loa.app")


@dataclass(frozen=True)
class Hit:
    passage: Any
    before: str
    after: str
    exact: bool


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


class WordingSearch:
    def __init__(self, bot: Any, store: FeedbackStore | None, max_chars: int = 2000, on_export: Any = None) -> None:
        """``on_export``: called with the signed-in user's name when they take the feedback (the audit)."""
        self.bot = bot
        self.store = store
        self.max_chars = max_chars
        self.on_export = on_export

    def documents(self) -> list[tuple[str, str]]:
        titles = {p.doc: p.title or p.doc for p in self.bot.retriever.passages.values()}
        return [("All documents", "")] + sorted(((t, d) for d, t in titles.items()), key=lambda x: x[0].lower())

    def find(self, query: str, doc: str = "", status: str = "", limit: int = MAX_RESULTS) -> list[Hit]:
        words = _norm(query)
        if not words:
            return []

        def keep(p: Any) -> bool:
            return (not doc or p.doc == doc) and (not status or p.status == status)

        corpus = self.bot.retriever.passages
        ranked = [p.id for p in self.bot.search(words) if keep(p)]
        in_order = sorted(corpus.values(), key=lambda p: (p.is_draft, p.doc, p.start))
        exact = [p.id for p in in_order if keep(p) and words in _norm(p.text)]
        exact_ids = set(exact)
        order = [i for i in ranked if i in exact_ids] + exact + ranked
        hits, seen = [], set()
        for pid in order:
            if pid in seen:
                continue
            seen.add(pid)
            before, passage, after = self.bot.context(pid)
            hits.append(Hit(passage, before, after, pid in exact_ids))
            if len(hits) == limit:
                break
        return hits

    # -- handlers ----------------------------------------------------------
    def search(self, query: str, doc: str, status: str, request: gr.Request | None = None) -> str:
        """The results as HTML: each passage verbatim, its place and status, the text around it, copy buttons."""
        if not signed_in(request):
            return _msg(texts.WORDING_LOCKED)
        query = query or ""
        if len(query) > self.max_chars:
            return _msg(texts.WORDING_TOO_LONG.format(limit=self.max_chars))
        if not query.strip():
            return _msg(texts.WORDING_NEED_QUERY)
        try:
            hits = self.find(query, doc or "", status or "")
        except Exception:
            log.exception("wording search failed")
            return _msg(texts.ERROR)
        if not hits:
            return _msg(texts.WORDING_NONE)
        exact = sum(h.exact for h in hits)
        summary = f"Showing {len(hits)} passage{'s' if len(hits) != 1 else ''} for “{query.strip()}”"
        closest = ". None has your exact words; these are the closest."
        summary += f": {exact} with your exact words." if exact else closest
        items = "".join(result_html(i + 1, h, query) for i, h in enumerate(hits))
        return f'{_msg(summary)}<ol class="loa-hits">{items}</ol>'

    @property
    def exports(self) -> bool:
        return self.store is not None

    def export(self, request: gr.Request | None = None) -> str:
        """The feedback as a CSV download link, sent to this signed-in session only.

        The file is never written to disk or to Gradio's file cache (whose links work without a
        session): the link carries the data itself, so nothing is left to delete.
        """
        if not self.exports or not signed_in(request):
            return _msg(texts.WORDING_LOCKED)
        try:
            if self.store.path is not None and not self.store.path.exists():  # type: ignore[union-attr]
                return _msg(texts.EXPORT_NONE)
            out = io.StringIO()
            count = self.store.export_csv(out)  # type: ignore[union-attr]
        except Exception as err:  # FeedbackError and OSError above all
            log.warning("feedback export failed: %s", err)
            return _msg(texts.EXPORT_FAILED)
        if self.on_export is not None:
            self.on_export(getattr(request, "username", ""))
        s = "" if count == 1 else "s"
        data = base64.b64encode(out.getvalue().encode("utf-8")).decode("ascii")
        link = (
            f'<p><a class="loa-download" download="feedback.csv" href="data:text/csv;charset=utf-8;base64,{data}">'
            f"{render.esc(texts.EXPORT_LINK.format(count=count, s=s))}</a></p>"
        )
        return _msg(texts.EXPORT_DONE.format(count=count, s=s)) + link


def signed_in(request: gr.Request | None) -> bool:
    """Feedback and search are for signed-in staff: the user the staff area's sign-in found for this request."""
    return bool(request is not None and getattr(request, "username", None))


def _msg(text: str) -> str:
    return f"<p class='loa-status' role='status'>{render.esc(text)}</p>"


def _marked(text: str, query: str) -> str:
    """The text escaped, with each occurrence of the searched words in <mark>."""
    words = query.split()
    if not words:
        return render.esc(text)
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.I)
    out, pos = [], 0
    for match in pattern.finditer(text):
        out += [render.esc(text[pos : match.start()]), f"<mark>{render.esc(match.group(0))}</mark>"]
        pos = match.end()
    return "".join(out) + render.esc(text[pos:])


def result_html(n: int, hit: Hit, query: str) -> str:
    """One result. The verbatim boxes keep the text's own line breaks (CSS pre-wrap), so copying gives it exactly."""
    p = hit.passage
    match = "Has your exact words" if hit.exact else "Related passage"
    around = "".join(
        part
        for part in (
            render.esc(hit.before.strip()) + "\n\n" if hit.before.strip() else "",
            f"<mark>{render.esc(p.text)}</mark>",
            "\n\n" + render.esc(hit.after.strip()) if hit.after.strip() else "",
        )
    )
    return (
        f'<li class="loa-hit"><h4 class="loa-hit-head">{render.esc(p.title)} {render.badge(p.status, p.status_label)}'
        f' <span class="loa-match">{match}</span></h4>'
        f'<p class="loa-hit-section">Section: {render.esc(p.section)}</p>'
        f'<div class="loa-verbatim" id="hit-{n}" role="group" aria-label="Exact wording of result {n}">'
        f"{_marked(p.text, query)}</div>"
        f'<p><button type="button" class="loa-copy" data-copy="hit-{n}">Copy the exact wording</button></p>'
        f'<details class="loa-context"><summary>Show the text around it (same section)</summary>'
        f'<div class="loa-verbatim" id="hit-{n}-around" role="group" aria-label="Result {n} with the text around it">'
        f"{around}</div>"
        f'<p><button type="button" class="loa-copy" data-copy="hit-{n}-around">Copy this with the text around it'
        f"</button></p></details></li>"
    )


def build_tab(search: WordingSearch) -> None:
    """The search's components and events; call inside the staff area's Blocks."""
    gr.Markdown(texts.WORDING_INTRO)
    with gr.Row(equal_height=False):
        query = gr.Textbox(label="Words or phrase to find", scale=3, max_lines=1, placeholder="For example: budget")
        doc = gr.Dropdown(search.documents(), value="", label="Document", scale=2)
        status = gr.Radio(
            [("Any status", ""), ("Published", "published"), ("Draft", "draft")], value="", label="Status", scale=2
        )
    find_btn = gr.Button("Search the documents", variant="primary")
    results = gr.Markdown("", elem_id="loa-results")
    if search.exports:
        with gr.Accordion("Feedback from users", open=False):
            export_btn = gr.Button("Make a CSV file of all feedback")
            export_msg = gr.Markdown("")
    private = {"api_visibility": "private"}
    for trigger in (find_btn.click, query.submit):
        trigger(search.search, [query, doc, status], results, concurrency_id="bot", **private)
    if search.exports:
        export_btn.click(search.export, None, export_msg, **private)
