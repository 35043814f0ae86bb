"""Repair layout damage and turn a document's text into blocks.

What it mends (see the seeds' README): HTML-like table markup becomes a heading
per row label with the cells as bullets; PDF line breaks inside sentences are
joined; stray bullets, lone punctuation and runs of blank lines go. It only
ever changes whitespace and layout marks, so no sentence of the source is lost
(tests/ingest/test_clean.py checks this for every document).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

BULLET = "•"
_BULLET_LINE = re.compile(r"^\s*(?:[•·▪●◦]|[-*](?=\s))\s*")
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+\S")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TAG = re.compile(r"<[^>]+>")
_P_CELL = re.compile(r"<p>(.*?)</p>", re.S)
_UL = re.compile(r"<ul[^>]*>(.*)$", re.S)
_TABLE_ROW = re.compile(r"\t.*<(?:p|ul)\b")
_TERMINAL = (".", "!", "?", ":", ";")
_LABEL_LINE = re.compile(r"^[A-Z][A-Za-z ]{1,20}:\s")
_PAGE_START = re.compile(r"^ [A-Z]")
_CONJUNCTIONS = {"and", "or", "of", "the", "for", "to", "with", "&"}


@dataclass
class Block:
    """One paragraph, list or heading of a cleaned document."""

    kind: str  # "para", "bullets" or "heading"
    lines: list[str] = field(default_factory=list)
    level: int | None = None  # set for headings whose level the layout states
    breaks: int = 1  # blank lines before it in the source; 2+ marks a page break
    indented: bool = False  # first line started with a space: a PDF page start

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def render(blocks: list[Block]) -> str:
    """The cleaned text: blocks separated by one blank line."""
    return "\n\n".join(block.text for block in blocks) + "\n"


def to_blocks(text: str) -> list[Block]:
    """Split a document into cleaned blocks."""
    blocks: list[Block] = []
    for raw, breaks in _paragraphs(text):
        if _TABLE_ROW.search(raw[0]):
            for row in raw:
                blocks.extend(_table_row(row))
            _promote_caption(blocks)
            continue
        for block in _split_paragraph(raw):
            block.breaks = breaks
            breaks = 1
            blocks.append(block)
    return _join_broken_paragraphs(blocks)


def _paragraphs(text: str) -> list[tuple[list[str], int]]:
    """Runs of non-blank lines, each with the count of blank lines before it.

    Lines made only of stray marks (a lone bullet, a lone quote or full stop
    left by PDF extraction) are dropped here.
    """
    paragraphs: list[tuple[list[str], int]] = []
    current: list[str] = []
    blanks = 0
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.rstrip().replace("\u00a0", " ")
        if not line.strip() or not any(ch.isalnum() for ch in line):
            if current:
                paragraphs.append((current, blanks))
                current, blanks = [], 0
            # a dropped stray mark is not a page break: only real blank lines count
            blanks = blanks + 1 if not line.strip() else 0
            continue
        current.append(line)
    if current:
        paragraphs.append((current, blanks))
    return paragraphs


def _split_paragraph(lines: list[str]) -> list[Block]:
    """One source paragraph as blocks: heading, prose lines and list items."""
    blocks: list[Block] = []
    for line in lines:
        heading = _MD_HEADING.match(line)
        if heading:
            blocks.append(Block("heading", [heading.group(2).strip()], level=len(heading.group(1))))
            continue
        is_item = bool(_BULLET_LINE.match(line)) or bool(_NUMBERED.match(line))
        content = _BULLET_LINE.sub("", line).strip() if _BULLET_LINE.match(line) else line.strip()
        if not content:
            continue
        if is_item:
            item = f"{BULLET} {content}" if _BULLET_LINE.match(line) else content
            if blocks and blocks[-1].kind == "bullets":
                blocks[-1].lines.append(item)
            else:
                blocks.append(Block("bullets", [item]))
        elif (
            blocks
            and blocks[-1].kind == "bullets"
            and not _PAGE_START.match(line)
            and (line[:1].isspace() or content[:1].islower())
        ):
            blocks[-1].lines[-1] += " " + content  # a list item wrapped onto the next line
        elif blocks and blocks[-1].kind == "para" and not _PAGE_START.match(line):
            _append_line(blocks[-1], content)
        else:
            blocks.append(Block("para", [content], indented=line[:1] == " "))
    return blocks


def _append_line(block: Block, line: str) -> None:
    """Join a wrapped line to the sentence it continues, or keep it as a new line.

    A line stays separate when the previous one ends a sentence, or when it is
    a labelled line such as 'Phone: ...' under 'Email: ...'.
    """
    previous = block.lines[-1]
    separate = (
        previous.endswith((".", "!", "?"))
        or (previous.endswith(":") and line[:1].isupper())
        or bool(_LABEL_LINE.match(line))
    )
    if separate:
        block.lines.append(line)
    else:
        block.lines[-1] = previous + " " + line


def _join_broken_paragraphs(blocks: list[Block]) -> list[Block]:
    """Join a paragraph that starts mid-sentence to the one it continues (PDF columns)."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and block.kind == "para"
            and previous.kind in ("para", "bullets")
            and block.lines[0][:1].islower()
            and not previous.lines[-1].endswith(_TERMINAL)
        ):
            previous.lines[-1] += " " + block.lines[0]
            previous.lines.extend(block.lines[1:])
            continue
        joined.append(block)
    return joined


def _table_row(row: str) -> list[Block]:
    """'label<TAB><p>cell</p> <p>cell</p>' becomes a heading and its bullets."""
    label, _, cells = row.partition("\t")
    label = _strip_tags(label)
    items = [_strip_tags(cell) for cell in _P_CELL.findall(cells)]
    rest = _P_CELL.sub(" ", cells)
    listed = _UL.search(rest)
    if listed:
        items.extend(_split_run_on_list(_strip_tags(listed.group(1))))
        rest = rest[: listed.start()]
    leftover = _strip_tags(rest)
    if leftover:
        items.insert(0, leftover)
    blocks = [Block("heading", [label], level=3)] if label else []
    items = [item for item in items if item]
    if items:
        blocks.append(Block("bullets", [f"{BULLET} {item}" for item in items]))
    return blocks


def _split_run_on_list(text: str) -> list[str]:
    """'Inclusion Behaviour Teaching and learning' -> ['Inclusion', 'Behaviour', 'Teaching and learning'].

    The list's tags were lost, so a new item starts at each capitalised word
    unless the word before it is a joining word ('Health and Safety').
    """
    items: list[list[str]] = []
    for word in text.split():
        starts_item = word[:1].isupper() and (not items or items[-1][-1].lower() not in _CONJUNCTIONS)
        if starts_item or not items:
            items.append([word])
        else:
            items[-1].append(word)
    return [" ".join(words) for words in items]


def _promote_caption(blocks: list[Block]) -> None:
    """The sentence introducing a table ('... expect from all schools:') heads it."""
    for i in range(len(blocks) - 1, 0, -1):
        if blocks[i].kind == "heading" and blocks[i].level == 3 and blocks[i - 1].kind == "para":
            caption = blocks[i - 1]
            if len(caption.lines) == 1 and caption.lines[0].endswith(":"):
                caption.kind, caption.level = "heading", 2
            return


def _strip_tags(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())
