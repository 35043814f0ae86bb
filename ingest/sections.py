"""Find a document's sections so every chunk knows its team and sub-heading.

Levels: 1 is a team, service or policy ("Pupil Tuition Team"); 2 is a part of
it ("What we offer", "How are requests made to the Portage Service?"); 3 is a
table row. Headings are short single-line paragraphs; their level comes from
the curated lists in data/headings.toml and from their shape (Title Case, a
team word at the end, an acronym in brackets). Where a page break starts a new
team without a heading (the source lost it), the team's name is taken from the
sentence that introduces it: "The ... (SENSAP) service is ...", "Portage is ...".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.clean import Block

_DATA = tomllib.loads((Path(__file__).parent / "data" / "headings.toml").read_text(encoding="utf-8"))
SUBHEADINGS = {s.lower() for s in _DATA["subheadings"]}
TOPIC_ENDINGS = set(_DATA["topic_endings"])
MINOR_WORDS = set(_DATA["minor_words"])

SEPARATOR = " › "
_CONTACTISH = re.compile(r"@|https?:|www\.|\.gov\.uk|\.org|\.co\.uk|\b0\d{2,4}\s?\d{3}|\d{6,}")
_ACRONYM_IN_BRACKETS = re.compile(r"\(\s*[A-Z][A-Za-z]*[A-Z]+\s*\)|\([^)]*\b(?:Team|Service)\)")
_WORD = re.compile(r"[A-Za-z][\w’'&-]*")
_NAMED_INTRO = re.compile(r"^(?:The )?((?:[A-Z&][\w&’'-]*\s){1,10}?)\(([A-Z]{2,})\)")
_SUBJECT_INTRO = re.compile(r"^([A-Z][a-z]+) is an? ")
_PRONOUNS = {"this", "it", "there", "that", "here", "what", "which", "she", "he", "everyone", "nobody"}


@dataclass
class Section:
    path: tuple[str, ...]
    team: str = ""  # the level-1 heading it sits under, if any
    blocks: list[Block] = field(default_factory=list)

    @property
    def label(self) -> str:
        return SEPARATOR.join(self.path)


def _norm(text: str) -> str:
    return " ".join(text.lower().rstrip(":?").replace("’", "'").split())


def heading_level(text: str, *, indented: bool = False) -> int | None:
    """1 for a team heading, 2 for a sub-heading, None for ordinary text."""
    text = text.strip()
    words = text.split()
    if not words or not text[0].isupper() or _CONTACTISH.search(text) or " – " in text:
        return None
    if _norm(text) in SUBHEADINGS:
        return 2
    if text.endswith("?"):
        return 2 if len(words) <= 16 else None
    if text.endswith(":"):
        return 1 if indented and len(words) <= 16 else None  # a PDF page's title
    if text.endswith((".", "!", ";", ",")) or ("," in text and "(" not in text):
        return None
    if len(words) > (24 if "(" in text else 12):
        return None
    if indented:
        return 1
    outside = re.sub(r"\([^)]*\)", " ", text)
    last = _WORD.findall(outside)[-1].lower() if _WORD.findall(outside) else ""
    significant = [w for w in _WORD.findall(outside) if w.lower() not in MINOR_WORDS]
    title_case = len(significant) >= 2 and all(w[0].isupper() for w in significant)
    if last in TOPIC_ENDINGS or _ACRONYM_IN_BRACKETS.search(text) or title_case:
        return 1
    return 2


def _introduced_name(block: Block) -> str | None:
    """The team a page-opening sentence introduces, when its heading was lost."""
    first = block.lines[0]
    named = _NAMED_INTRO.match(first)
    if named:
        return f"{named.group(1).strip()} ({named.group(2)})"
    subject = _SUBJECT_INTRO.match(first)
    if subject and subject.group(1).lower() not in _PRONOUNS:
        return subject.group(1)
    return None


def split_sections(blocks: list[Block], title: str) -> list[Section]:
    """Group blocks (already through :func:`split_headings`) under their heading path.

    The document title is not repeated in the path.
    """
    levels = [_level(block) for block in blocks]
    _mark_running_titles(blocks, levels)
    _demote_question_runs(blocks, levels)
    _demote_empty_headings(blocks, levels)
    path: dict[int, str] = {}
    sections: list[Section] = [Section(())]
    has_teams = any(level == 1 for level in levels)
    title_norm = _norm(title)
    for i, (block, level) in enumerate(zip(blocks, levels)):
        if level is not None and (_norm(block.text) == title_norm or _norm(block.text) in title_norm):
            continue  # the title again
        if has_teams and block.breaks >= 2 and path.get(1):
            body = block if level is None else (blocks[i + 1] if i + 1 < len(blocks) else None)
            name = _introduced_name(body) if body is not None and body.kind == "para" else None
            if name and (level is None or level == 2):
                path = {1: name}
                sections.append(Section((name,), team=name))
        if level is None:
            sections[-1].blocks.append(block)
            continue
        path = {k: v for k, v in path.items() if k < level}
        path[level] = " ".join(block.text.split()).rstrip(":")
        sections.append(Section(tuple(path[k] for k in sorted(path)), team=path.get(1, "")))
    return [section for section in sections if section.blocks]


def _level(block: Block) -> int | None:
    if block.kind == "heading":
        return block.level or 1
    if block.kind == "para" and len(block.lines) == 1:
        return heading_level(block.lines[0], indented=block.indented)
    return None


def split_headings(blocks: list[Block]) -> list[Block]:
    """A question or page title on the first line of a paragraph heads the rest."""
    out: list[Block] = []
    for block in blocks:
        first = block.lines[0] if block.lines else ""
        heads = block.kind == "para" and len(block.lines) > 1 and heading_level(first, indented=block.indented)
        if heads and (first.endswith("?") or block.indented):
            out.append(Block("para", [first], breaks=block.breaks, indented=block.indented))
            out.append(Block("para", block.lines[1:]))
            continue
        out.append(block)
    return out


def _mark_running_titles(blocks: list[Block], levels: list[int | None]) -> None:
    """A PDF page title repeats; where a copy lost its indent, it is still a title."""
    titles = {_norm(b.text) for b, level in zip(blocks, levels) if level == 1 and b.indented}
    for i, block in enumerate(blocks):
        if levels[i] is None and block.kind == "para" and len(block.lines) == 1 and _norm(block.text) in titles:
            levels[i] = 1


def _demote_question_runs(blocks: list[Block], levels: list[int | None]) -> None:
    """Rhetorical questions in a row ('Do you ...? Would you ...?') are text, not headings."""
    questions = [b.kind == "para" and len(b.lines) == 1 and b.text.endswith("?") for b in blocks]
    for i, is_question in enumerate(questions):
        neighbours = questions[max(0, i - 1) : i] + questions[i + 1 : i + 2]
        if is_question and any(neighbours):
            levels[i] = None


def _demote_empty_headings(blocks: list[Block], levels: list[int | None]) -> None:
    """A would-be sub-heading followed straight by another heading is just text."""
    for i, level in enumerate(levels[:-1]):
        nxt = levels[i + 1]
        followed_by_heading = nxt is not None and nxt <= 2
        if level == 2 and blocks[i].kind == "para" and followed_by_heading and _norm(blocks[i].text) not in SUBHEADINGS:
            levels[i] = None
