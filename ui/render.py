"""HTML for the chat: every piece of user and corpus text is escaped here, and nowhere else.

The chat renders message content as Markdown. Each message we produce is one
line of HTML starting with ``<div``, which Markdown passes through untouched as
a raw HTML block, so neither Markdown syntax nor tags in a question or a
passage can take effect; Gradio's sanitizer then runs over our own markup.
The only markup is ours: paragraphs, lists, links for citation markers, emails,
phone numbers and web addresses, and one ``<details>`` card per source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from typing import Any

from ui import texts

_TOKEN = re.compile(
    r"\[(?P<cite>\d{1,3})\]"
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+[\w])"
    r"|(?P<url>\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]])"
    r"|(?P<phone>(?<![\d])(?:0\d{2,4}[ ]?\d{3}[ ]?\d{3,4}|0\d{3} \d{3} \d{4}|0\d{4} \d{6})(?![\d]))"
)
_KIND = re.compile(r"[^a-z]")


def esc(text: Any) -> str:
    return escape(str(text), quote=True)


def source_id(msg_id: str, n: int) -> str:
    return f"src-{msg_id}-{n}"


def _lines(text: str) -> str:
    """Escaped text with its line breaks kept as <br>; never a raw newline (see the module docstring)."""
    return "<br>".join(esc(line) for line in text.strip().splitlines())


def inline(text: str, msg_id: str = "", numbers: Iterable[int] = ()) -> str:
    """One line of answer text as HTML: escaped, with [n] markers linked to their source cards."""
    known = set(numbers)
    text = " ".join(text.splitlines())  # any line break (\r, \u2028 ...) would end the raw HTML block
    out, pos = [], 0
    for match in _TOKEN.finditer(text):
        out.append(esc(text[pos : match.start()]))
        pos = match.end()
        raw = match.group(0)
        if match.group("cite"):
            n = int(match.group("cite"))
            if n in known and msg_id:
                out.append(
                    f'<a class="loa-cite" href="#{source_id(msg_id, n)}" title="Go to source {n}">'
                    f'<span class="loa-sr">source </span>[{n}]</a>'
                )
            else:
                out.append(esc(raw))
        elif match.group("email"):
            out.append(f'<a href="mailto:{esc(raw)}">{esc(raw)}</a>')
        elif match.group("url"):
            href = raw if raw.lower().startswith("http") else f"https://{raw}"
            out.append(f'<a href="{esc(href)}" rel="noopener noreferrer">{esc(raw)}</a>')
        else:
            out.append(f'<a href="tel:{re.sub(r"[^0-9]", "", raw)}">{esc(raw)}</a>')
    out.append(esc(text[pos:]))
    return "".join(out)


def _piece(text: str, msg_id: str, numbers: set[int]) -> str:
    text = text.strip()
    if len(text) > 2 and text.startswith("_") and text.endswith("_"):
        return f"<em>{inline(text[1:-1], msg_id, numbers)}</em>"
    return inline(text, msg_id, numbers)


def body(text: str, msg_id: str = "", numbers: Iterable[int] = ()) -> str:
    """The bot's Markdown (paragraphs and '- ' list items) as HTML, all text escaped."""
    known = set(numbers)
    html: list[str] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            html.append(f"<p>{'<br>'.join(para)}</p>")
            para.clear()
        if items:
            html.append(f"<ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>")
            items.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if para:
                flush()
            continue
        if stripped.startswith(("- ", "* ", "• ")):
            if para:
                flush()
            items.append(_piece(stripped[2:], msg_id, known))
        else:
            if items:
                flush()
            para.append(_piece(stripped, msg_id, known))
    flush()
    return "".join(html)


def badge(status: str, label: str) -> str:
    kind = "draft" if status == "draft" else "published"
    return f'<span class="loa-badge loa-badge-{kind}">{esc(label or kind.title())}</span>'


def source_cards(citations: Iterable[Any], msg_id: str) -> str:
    cards = []
    for c in citations:
        cards.append(
            f'<details class="loa-card" id="{source_id(msg_id, c.n)}">'
            f'<summary><span class="loa-card-head"><span class="loa-card-n">[{c.n}]</span> '
            f'<span class="loa-card-title">{esc(c.title)}</span> {badge(c.status, c.status_label)}</span>'
            f'<span class="loa-card-section">{esc(c.section)}</span></summary>'
            f'<blockquote class="loa-quote">{_lines(c.text)}</blockquote></details>'
        )
    if not cards:
        return ""
    count = len(cards)
    return (
        f'<div class="loa-sources"><p class="loa-sources-title">Sources ({count}) '
        f'<span class="loa-hint">Select a source to read the exact words.</span></p>{"".join(cards)}</div>'
    )


def answer_html(answer: Any, msg_id: str) -> str:
    """A finished answer: its text with linked markers, then its source cards."""
    numbers = {c.n for c in answer.citations}
    kind = _KIND.sub("", str(answer.kind or "answer").lower()) or "answer"
    role = ' role="alert"' if kind == "crisis" else ""
    written = f'<p class="loa-hint loa-path">{inline(texts.LLM_WRITTEN)}</p>' if answer.path == "llm" else ""
    return (
        f'<div class="loa-msg loa-kind-{kind}"{role}>{body(answer.answer, msg_id, numbers)}'
        f"{written}{source_cards(answer.citations, msg_id)}</div>"
    )


def partial_html(pieces: list[str]) -> str:
    """An answer still arriving: the pieces so far, markers shown as text until the sources come."""
    text = "\n\n".join(pieces)
    return f'<div class="loa-msg loa-partial">{body(text)}</div>'


def pending_html() -> str:
    return '<div class="loa-msg loa-partial"><p class="loa-hint">Looking in the Leeds documents…</p></div>'


def notice_html(text: str, kind: str = "notice") -> str:
    """A fixed message from the app itself (too long, something went wrong)."""
    return f'<div class="loa-msg loa-kind-{_KIND.sub("", kind)}"><p>{inline(text)}</p></div>'


def user_html(question: str, limit: int | None = None) -> str:
    shown = question if limit is None or len(question) <= limit else question[:limit].rstrip() + " …"
    return f'<div class="loa-msg loa-question">{_lines(shown) or "&nbsp;"}</div>'
