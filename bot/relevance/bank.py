"""The question bank as an index: its questions' vectors, and the units each one was written for.

A question's nearest bank questions vote for their sentences, each vote weighted by how close the
bank question is to the best one (``exp((sim - best) / temperature)``): FAQ search, matching a
question to stored questions rather than to the answers' own words. Hard negatives (bank questions
nothing answers) vote for nothing, and the share of them among the neighbours is a signal that the
documents don't answer. The vectors are computed once per bank and model and cached in
``LOA_CACHE_DIR``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from bot.relevance.units import UnitTable
from loa.questions import BankEntry, QuestionBank, norm

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BankSettings:
    neighbours: int = 20  # bank questions that vote
    temperature: float = 0.1  # how fast a vote fades with distance from the best neighbour
    negatives: int = 10  # neighbours read for the share of hard negatives


@dataclass(frozen=True)
class Vote:
    scores: np.ndarray  # per unit, the best-voted unit at 1
    best: np.ndarray  # per unit, the similarity of the closest bank question linking it
    top_similarity: float  # of the closest bank question
    negative_share: float  # of hard negatives among the closest
    neighbours: np.ndarray  # bank rows, closest first


class BankIndex:
    def __init__(
        self, entries: Sequence[BankEntry], vectors: np.ndarray, units: UnitTable, settings: BankSettings | None = None
    ) -> None:
        self.settings = settings or BankSettings()
        self.entries = list(entries)
        self.vectors = vectors
        self.links = [_linked(e, units) for e in self.entries]
        rows = [j for j, linked in enumerate(self.links) for _ in linked]
        cols = [u for linked in self.links for u in linked]
        # bank question x unit: which units each question was written for
        self.incidence = sparse.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)), shape=(len(self.entries), len(units.units))
        )
        self.by_unit = self.incidence.T.tocsr()

    @classmethod
    def from_bank(
        cls,
        bank: QuestionBank,
        units: UnitTable,
        embed_texts: Callable[[list[str]], np.ndarray],
        cache_dir: Path,
        model_id: str,
        settings: BankSettings | None = None,
    ) -> BankIndex:
        """Entries whose sentences are all in the index (stale ones are left out), embedded or read from cache."""
        entries = [e for e in bank.entries if e.negative or all(_linked_one(a, units) for a in e.answers)]
        texts = [e.context for e in entries]
        key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
        path = cache_dir / f"bank-vectors-{model_id}-{key}.npy"
        try:
            vectors = np.load(path)
            assert vectors.shape[0] == len(texts)
        except Exception:  # noqa: BLE001 - missing or damaged: embed again
            log.info("embedding the %d question-bank questions (once per bank)", len(texts))
            vectors = embed_texts(texts) if texts else np.zeros((0, units.vectors.shape[1]), np.float32)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path.with_suffix(".tmp"), "wb") as out:
                    np.save(out, vectors)
                path.with_suffix(".tmp").replace(path)
            except OSError as err:
                log.warning("could not cache %s: %s", path.name, err)
        return cls(entries, np.asarray(vectors, np.float32), units, settings)

    def vote(self, vector: np.ndarray, exclude: np.ndarray | None = None) -> Vote:
        """The units the nearest bank questions were written for; ``exclude`` masks bank rows (cross-fitting)."""
        s = self.settings
        n_units = self.incidence.shape[1]
        if not self.entries:
            zero = np.zeros(n_units)
            return Vote(zero, zero, 0.0, 0.0, np.zeros(0, int))
        sims = self.vectors @ vector
        if exclude is not None:
            sims = np.where(exclude, -1.0, sims)
        top = np.argsort(-sims)[: s.neighbours]
        weights = np.exp((sims[top] - sims[top[0]]) / s.temperature)
        scores = np.asarray(self.incidence[top].T @ weights).ravel()
        scores = scores / scores.max() if scores.max() > 0 else scores
        best = self.by_unit.multiply(np.maximum(sims, 0.0)[None, :]).max(axis=1).toarray().ravel()
        negative = sum(1 for j in top[: s.negatives] if not self.links[j]) / max(min(s.negatives, len(top)), 1)
        return Vote(scores, best, float(sims[top[0]]), negative, top)


def _linked_one(answer, units: UnitTable) -> list[int]:  # noqa: ANN001 - loa.questions.Answer
    found = units.by_text.get((answer.doc, norm(answer.text)), [])
    return [i for i in found if units.units[i].section == answer.section] or found


def _linked(entry: BankEntry, units: UnitTable) -> list[int]:
    return sorted({i for a in entry.answers for i in _linked_one(a, units)})
