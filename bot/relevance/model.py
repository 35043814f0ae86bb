"""Relevance for one bot: the units, the bank index and the selector, built from defaults in one call.

``score`` is asked once per question by the retrieve stage and remembered (by the question's vector),
so the fusion retriever's relevance leg (bot/relevance/retriever.py) reads the same result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.relevance.bank import BankIndex, BankSettings
from bot.relevance.selector import Scored, SelectorSettings, SentenceSelector, embed_texts_with
from bot.relevance.units import UnitTable
from loa.questions import QuestionBank

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelevanceSettings:
    bank: BankSettings = field(default_factory=BankSettings)
    selector: SelectorSettings = field(default_factory=SelectorSettings)


@dataclass(frozen=True)
class Judged:
    """What relevance says of one question: each candidate sentence's probability, by (chunk id, position),
    and the question as a whole (its closest bank question; how many of its neighbours nothing answers)."""

    by_place: dict[tuple[str, int], float]
    by_chunk: dict[str, float]  # a chunk's best sentence
    top: float  # the best sentence's probability
    bank_similarity: float
    negative_share: float
    best_section: tuple[str, float] | None = None  # the section of the best sentence, and its probability


class Relevance:
    def __init__(self, units: UnitTable, bank: BankIndex, selector: SentenceSelector) -> None:
        self.units = units
        self.bank = bank
        self.selector = selector
        self._recent: dict[bytes, Judged] = {}

    @classmethod
    def from_defaults(
        cls, retriever, questions_dir: Path, cache_dir: Path, model_id: str, settings: RelevanceSettings | None = None
    ) -> Relevance | None:  # noqa: ANN001 - bot.retrieve.HybridRetriever
        """None when there is no question bank, or it links nothing in this index (the bot then works without)."""
        settings = settings or RelevanceSettings()
        bank = QuestionBank.load(questions_dir)
        for error in bank.errors:
            log.warning("question bank: skipped %s", error)
        if not bank.entries:
            return None
        units = UnitTable.from_retriever(retriever)
        embed = embed_texts_with(retriever.embed_model)
        index = BankIndex.from_bank(bank, units, embed, cache_dir, model_id, settings.bank)
        try:
            selector = SentenceSelector.cached(units, index, cache_dir, f"{bank.digest}|{model_id}", settings.selector)
        except ValueError as err:
            log.warning("no relevance model: %s", err)
            return None
        return cls(units, index, selector)

    def judge(self, text: str, vector: np.ndarray) -> Judged:
        key = vector.tobytes()
        found = self._recent.get(key)
        if found is None:
            found = self._judged(self.selector.score(text, vector))
            if len(self._recent) >= 32:
                self._recent.clear()  # a memo of the last few questions only
            self._recent[key] = found
        return found

    def recent(self, vector: np.ndarray) -> Judged | None:
        """The judgement already made for this vector (the fusion's relevance leg reads it)."""
        return self._recent.get(np.asarray(vector, np.float32).tobytes())

    def _judged(self, scored: Scored) -> Judged:
        by_unit = scored.by_unit()
        by_place = {(u.chunk, u.position): by_unit[i] for i, u in enumerate(self.units.units) if i in by_unit}
        by_place.update({place: by_unit[i] for place, i in self.units.by_place.items() if i in by_unit})
        by_chunk: dict[str, float] = {}
        for (chunk, _), p in by_place.items():
            by_chunk[chunk] = max(p, by_chunk.get(chunk, 0.0))
        top = float(scored.probability.max()) if len(scored.probability) else 0.0
        best = None
        if len(scored.probability):
            unit = self.units.units[int(scored.candidates[int(np.argmax(scored.probability))])]
            best = (unit.section, top)
        return Judged(by_place, by_chunk, top, scored.vote.top_similarity, scored.vote.negative_share, best)
