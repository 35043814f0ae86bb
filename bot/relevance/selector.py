"""Which sentences answer a question: gradient-boosted trees over signals, trained on the question bank
(a logistic regression is the other choice, SelectorSettings.model).

For every candidate unit (the closest by meaning, and the best voted by the bank) the features are:
its meaning (cosine with the question, with the question through the bank's linear adapter, and its
chunk's), the bank's vote and the closest bank question
written for it, the question's words it and its section path hold, its length and form (a list's
lead-in, a quotation, a testimonial section), its rank by meaning, and two things of the question as a
whole (how close its nearest bank question is; how many of its neighbours are hard negatives).

Training uses the bank itself, cross-fitted so that no bank question votes for itself: the features of
a question by writer W are computed with writer W's questions left out of the bank, as a new user's
question has only other people's questions to match. Trained once (seconds) and cached by the bank's,
the index's and the settings' hashes in ``LOA_CACHE_DIR``.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.relevance.adapter import AdapterSettings, LinearAdapter
from bot.relevance.bank import BankIndex, Vote
from bot.relevance.units import UnitTable

log = logging.getLogger(__name__)
FEATURES = (
    "cos_unit",
    "cos_adapted",
    "cos_chunk",
    "vote",
    "best_bank",
    "best_bank_gap",
    "words",
    "section_words",
    "length",
    "lead_in",
    "quotation",
    "views",
    "rank",
    "top_bank",
    "negative_share",
)


@dataclass(frozen=True)
class SelectorSettings:
    by_meaning: int = 30  # candidates: the closest units by cosine ...
    by_vote: int = 15  # ... and the bank's best voted
    c: float = 1.0  # the regression's inverse regularisation
    # "boosted" (gradient-boosted trees) learns that shared words count when the bank agrees; on dev it found
    # key facts 76.1% against the logistic regression's 73.1% (eval.tune relevance)
    model: str = "boosted"
    adapter: AdapterSettings = field(default_factory=AdapterSettings)


@dataclass(frozen=True)
class Scored:
    """A question's candidate units (indices into the UnitTable) and the probability that each answers it."""

    candidates: np.ndarray
    probability: np.ndarray
    vote: Vote

    def by_unit(self) -> dict[int, float]:
        return dict(zip(self.candidates.tolist(), self.probability.tolist(), strict=True))


class Features:
    def __init__(self, units: UnitTable, bank: BankIndex, adapter: LinearAdapter) -> None:
        self.units, self.bank, self.adapter = units, bank, adapter
        u = units.units
        self.fixed = (
            np.stack(
                [
                    np.array([min(len(x.text.split()), 60) / 60 for x in u]),
                    np.array([x.text.rstrip().endswith(":") for x in u], float),
                    np.array([x.text.lstrip().startswith(("“", '"', "‘")) for x in u], float),
                    np.array(["people say" in x.section.lower() for x in u], float),
                ],
                axis=1,
            )
            if u
            else np.zeros((0, 4))
        )

    def all(
        self, text: str, vector: np.ndarray, exclude: np.ndarray | None = None, adapter: LinearAdapter | None = None
    ) -> tuple[np.ndarray, Vote]:
        """One row per unit of the table, columns as FEATURES; ``exclude`` and ``adapter`` for cross-fitting."""
        n = len(self.units.units)
        cos_unit = self.units.vectors @ vector
        cos_adapted = self.units.vectors @ (adapter or self.adapter).adapt(vector)
        cos_chunk = self.units.chunk_vectors @ vector
        vote = self.bank.vote(vector, exclude)
        words, section = self.units.lexical(text)
        rank = np.empty(n)
        rank[np.argsort(-cos_unit)] = np.arange(n)
        X = np.column_stack(
            [
                cos_unit,
                cos_adapted,
                cos_chunk,
                vote.scores,
                vote.best,
                vote.best - vote.top_similarity,
                words,
                section,
                self.fixed,
                1.0 / (1.0 + rank),
                np.full(n, vote.top_similarity),
                np.full(n, vote.negative_share),
            ]
        )
        return X, vote

    @staticmethod
    def candidates(X: np.ndarray, settings: SelectorSettings) -> np.ndarray:
        meaning = np.argsort(-X[:, 0])[: settings.by_meaning]
        voted = np.argsort(-X[:, FEATURES.index("vote")])[: settings.by_vote]
        return np.unique(np.concatenate([meaning, voted]))


class SentenceSelector:
    def __init__(self, features: Features, fitted: tuple, settings: SelectorSettings) -> None:
        """``fitted``: the sklearn pipeline and the linear adapter, as trained together."""
        self.features = features
        self.model, self.features.adapter = fitted
        self.fitted = fitted
        self.settings = settings

    @classmethod
    def train(cls, units: UnitTable, bank: BankIndex, settings: SelectorSettings | None = None):  # noqa: ANN206
        """Fit on the bank, leaving each writer's own questions out of the bank its features are read from."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        settings = settings or SelectorSettings()
        features = Features(units, bank, LinearAdapter.fit(bank.vectors, bank.links, units.vectors, settings.adapter))
        writers = np.array([e.written_by for e in bank.entries])
        adapters = {
            w: LinearAdapter.fit(
                bank.vectors[writers != w],
                [k for k, x in zip(bank.links, writers) if x != w],
                units.vectors,
                settings.adapter,
            )
            for w in set(writers.tolist())
        }
        rows, labels = [], []
        for j, entry in enumerate(bank.entries):
            if not bank.links[j]:
                continue
            others = writers == entry.written_by
            X, _ = features.all(entry.context, bank.vectors[j], exclude=others, adapter=adapters[entry.written_by])
            chosen = np.union1d(Features.candidates(X, settings), bank.links[j])
            rows.append(X[chosen])
            labels.append(np.isin(chosen, bank.links[j]).astype(int))
        if not rows:
            raise ValueError("the question bank links no sentence of this index")
        if settings.model == "boosted":
            from sklearn.ensemble import HistGradientBoostingClassifier

            model = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=0)
        else:
            model = make_pipeline(StandardScaler(), LogisticRegression(C=settings.c, max_iter=2000))
        model.fit(np.concatenate(rows), np.concatenate(labels))
        return cls(features, (model, features.adapter), settings)

    @classmethod
    def cached(
        cls, units: UnitTable, bank: BankIndex, cache_dir: Path, key: str, settings: SelectorSettings | None = None
    ) -> SentenceSelector:
        """Trained once per bank, index and settings; loaded from ``cache_dir`` after that."""
        settings = settings or SelectorSettings()
        digest = hashlib.sha256(f"{key}|{units.fingerprint}|{asdict(settings)}|{FEATURES}".encode()).hexdigest()[:16]
        path = cache_dir / f"selector-{digest}.pkl"
        if path.is_file():
            try:
                fitted = pickle.loads(path.read_bytes())  # noqa: S301 - a file this class wrote
                return cls(Features(units, bank, fitted[1]), fitted, settings)
            except Exception as err:  # noqa: BLE001 - a damaged cache file is rebuilt
                log.warning("retraining the sentence selector: %s", err)
        log.info("training the sentence selector on the question bank (once per bank)")
        selector = cls.train(units, bank, settings)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.with_suffix(".tmp").write_bytes(pickle.dumps(selector.fitted))
            path.with_suffix(".tmp").replace(path)
        except OSError as err:
            log.warning("could not cache %s: %s", path.name, err)
        return selector

    def score(self, text: str, vector: np.ndarray) -> Scored:
        X, vote = self.features.all(text, vector)
        candidates = Features.candidates(X, self.settings)
        if not len(candidates):
            return Scored(candidates, np.zeros(0), vote)
        # about 40 rows through 264 trees: OpenMP's threads cost more than they give, and under load (other
        # requests, other processes on the 2 cores) far more: 1.7 ms on one thread, 2.6 ms to 550 ms on two
        with _one_thread():
            probability = self.model.predict_proba(X[candidates])[:, 1]
        return Scored(candidates, probability, vote)


@lru_cache(maxsize=1)
def _controller():  # noqa: ANN202 - threadpoolctl.ThreadpoolController: finding the libraries is slow, once
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_thread():  # noqa: ANN202
    return _controller().limit(limits=1, user_api="openmp")


def embed_texts_with(embed_model) -> Callable[[list[str]], np.ndarray]:  # noqa: ANN001 - a llama-index embedding
    return lambda texts: np.asarray(embed_model.get_text_embedding_batch(texts), dtype=np.float32)
