"""Sentences and list items: the units an extractive answer is built from.

Shared by ingest (which embeds every unit once) and the bot (which picks units
for answers), so both cut a passage the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\d])(?:0\d{2,4}[ ]?\d{3}[ ]?\d{3,4}|0\d{3} \d{3} \d{4}|0\d{4} \d{6})(?![\d])")
_NUMBERED = re.compile(r"^\d{1,2}\.\s")
_SENTENCE_END = re.compile(r"(?<=[.!?])[”’\"']?\s+(?=[A-Z“‘\"(0-9])")


@dataclass(frozen=True)
class Unit:
    """A sentence or list item of a passage: what an extractive answer is made of."""

    text: str
    bullet: bool
    passage: int  # index into the passages handed to the composer
    position: int  # order within the passage
    lead_in: int | None = None  # for a list item: the position of the sentence introducing its list


def split_units(text: str, passage: int) -> list[Unit]:
    units: list[Unit] = []
    lead_in: int | None = None
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue  # a list may sit a blank line below the sentence introducing it
        if line.startswith("•"):
            units.append(Unit(line.lstrip("• ").strip(), True, passage, len(units), lead_in))
            continue
        if _NUMBERED.match(line):
            units.append(Unit(line, True, passage, len(units), lead_in))  # '1. Promote ...': an item, not a sentence
            continue
        lead_in = None
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if sentence:
                units.append(Unit(sentence, False, passage, len(units)))
        if units and units[-1].text.endswith(":"):
            lead_in = units[-1].position
    return units
