"""Every sentence and list item of the index (a *unit*), as the relevance models read them.

Units come from the chunks the retriever loaded, cut the way ingest cut them (loa/units.py), with the
vectors ingest stored. A sentence that two chunks share (the chunk overlap) is one unit, kept where it
is whole; a sentence two pages share (the Pupil Tuition Team's) stays two units, one per page.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from bot.answer import Passage
from bot.text import terms
from loa.questions import norm
from loa.units import split_units


@dataclass(frozen=True)
class Unit:
    chunk: str  # the chunk id it is quoted from
    position: int  # its place in that chunk (loa/units.py)
    text: str
    doc: str
    section: str
    bullet: bool


class UnitTable:
    def __init__(
        self,
        units: list[Unit],
        vectors: np.ndarray,
        chunk_vectors: np.ndarray,
        aliases: dict[tuple[str, int], int] | None = None,
    ) -> None:
        """``aliases``: the (chunk, position) of each repeated copy of a unit, and the unit it repeats."""
        self.units = units
        self.vectors = vectors  # one normalised row per unit
        self.chunk_vectors = chunk_vectors  # the vector of each unit's chunk
        self.by_text: dict[tuple[str, str], list[int]] = {}
        for i, unit in enumerate(units):
            self.by_text.setdefault((unit.doc, norm(unit.text)), []).append(i)
        self.by_place = {**(aliases or {}), **{(u.chunk, u.position): i for i, u in enumerate(units)}}
        self.words = [frozenset(terms(u.text)) for u in units]
        self.section_words = [frozenset(terms(u.section)) for u in units]
        counts = Counter(t for w in self.words for t in w)
        self.idf = {t: math.log(1 + len(units) / c) for t, c in counts.items()}
        self.default_idf = float(np.median(list(self.idf.values()))) if self.idf else 1.0
        self.fingerprint = hashlib.sha256("\n".join(f"{u.chunk}:{u.position}" for u in units).encode()).hexdigest()[:12]

    @classmethod
    def from_retriever(cls, retriever) -> UnitTable:  # noqa: ANN001 - bot.retrieve.HybridRetriever
        """The units the retriever has vectors for; a sentence the chunk overlap repeats is kept once, whole."""
        units: list[Unit] = []
        rows: list[int] = []
        chunk_rows: list[int] = []
        seen: dict[tuple[str, str, str], int] = {}
        aliases: dict[tuple[str, int], int] = {}
        in_order = sorted(retriever._unit_rows, key=lambda c: (retriever.passages[c].doc, retriever.passages[c].start))
        for chunk_id in in_order:
            passage: Passage = retriever.passages[chunk_id]
            cut = {u.position: u for u in split_units(passage.text, 0)}
            for position, row in sorted(retriever._unit_rows[chunk_id].items()):
                unit = cut.get(position)
                if unit is None or (position == 0 and _fragment(unit.text)):
                    continue
                key = (passage.doc, passage.section, norm(unit.text))
                if key in seen:
                    aliases[(chunk_id, position)] = seen[key]
                    continue
                seen[key] = len(units)
                units.append(Unit(chunk_id, position, unit.text, passage.doc, passage.section, unit.bullet))
                rows.append(row)
                chunk_rows.append(retriever._row[chunk_id])
        vectors = retriever.sentence_vectors[rows] if rows else np.zeros((0, 384), np.float32)
        chunk_vectors = retriever.chunk_vectors[chunk_rows] if rows else np.zeros((0, 384), np.float32)
        return cls(units, vectors, chunk_vectors, aliases)

    def lexical(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Share of the question's word weight (idf) each unit holds, and its section's path holds."""
        asked = set(terms(text))
        n = len(self.units)
        if not asked:
            return np.zeros(n), np.zeros(n)
        weights = {t: self.idf.get(t, self.default_idf) for t in asked}
        total = sum(weights.values())
        own = np.array([sum(weights[t] for t in asked & w) for w in self.words]) / total
        section = np.array([sum(weights[t] for t in asked & w) for w in self.section_words]) / total
        return own, section


def _fragment(text: str) -> bool:
    """A chunk that starts inside a sentence (the overlap with the chunk before) starts with its tail."""
    return bool(text) and text[0].islower()
