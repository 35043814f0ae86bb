"""Kinds of text an answer must not state as fact, marked at ingest.

Families' and young people's comments (the strategy's quote boxes) are found from the document's
structure: the run of short paragraphs after a sentence that introduces what families told the council.
Each chunk records which of its units (sentences and list items, loa/units.py) are such comments.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ingest.clean import Block
from loa.units import split_units

_DATA = tomllib.loads((Path(__file__).parent / "data" / "kinds.toml").read_text(encoding="utf-8"))
_LEAD_IN = [re.compile(p, re.I) for p in _DATA["comment_lead_in"]]
MAX_WORDS = int(_DATA["comment_max_words"])


def comment_paragraphs(blocks: list[Block]) -> list[str]:
    """The texts of the paragraphs that are families' or young people's comments."""
    found: list[str] = []
    inside = False
    for block in blocks:
        text = " ".join(block.text.split())
        lead_in = next((m for p in _LEAD_IN if block.kind == "para" and (m := p.search(text))), None)
        if lead_in is not None:
            inside = True
            rest = text[lead_in.end() :].strip()  # the first comment, joined onto its lead-in
            if rest:
                found.append(rest)
            continue
        if not inside:
            continue
        if block.kind == "heading" or len(text.split()) > MAX_WORDS:
            inside = False
            continue
        found.append(text)
    return found


def comment_positions(chunk_text: str, comments: list[str]) -> list[int]:
    """Positions of the chunk's units that lie inside a comment, or hold a comment's opening words."""
    flat = [c for c in comments if c]
    openings = [" ".join(split_units(c, 0)[0].text.split()) for c in flat]  # the first sentence of each
    positions = []
    for unit in split_units(chunk_text, 0):
        text = " ".join(unit.text.split())
        if any(text in c for c in flat) or any(o in text for o in openings):
            positions.append(unit.position)
    return positions
