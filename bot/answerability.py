"""Answerability: do the documents answer this question? A calibrated model over signals that generalise.

The signals are the retrieve stage's (the best sentence's similarity, word coverage, the best
chunk's similarity), the composition's (its lead sentence's score, whether it holds the figure a
'how many' question wants, whether a contact asked for was found) and the understand stage's (a
service found by name, lay words or meaning; the intent's confidence; whether that service has a
section of the kind the intent asks for) and the question bank's (the best sentence's probability
from the selector, how close the nearest bank question is, how many of its neighbours nothing
answers). A logistic regression over them is fitted on the dev split by
`python -m eval.tune answerability`, which writes bot/data/answerability.json. Without
that file the hand-set Gate rule decides (bot/context.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.compose import Composition
from bot.context import Evidence
from bot.guard import has_figure
from bot.understand.intent import SECTIONS_FOR

MODEL_FILE = Path(__file__).resolve().parent / "data" / "answerability.json"
FEATURES = (
    "best_unit",
    "coverage",
    "top_dense",
    "lead_score",
    "lead_similarity",
    "service_by_name",
    "service_by_words",
    "service_by_meaning",
    "intent_confidence",
    "service_has_section",
    "has_figure",
    "no_contact",
    "relevance_top",
    "bank_similarity",
    "bank_negatives",
)


def features(text: str, evidence: Evidence, composition: Composition) -> np.ndarray:
    understood = evidence.understood
    by = understood.services[0].by if understood.services else ""
    wanted = SECTIONS_FOR.get(understood.intent.label, ()) if understood.intent else ()
    has_section = bool(understood.service and wanted and wanted[0] in understood.service.sections)
    judged = evidence.judged
    return np.array(
        [
            evidence.best_unit,
            evidence.coverage,
            max((p.dense for p in evidence.passages), default=0.0),
            composition.lead_score,
            composition.lead_similarity,
            by == "name",
            by == "words",
            by == "meaning",
            understood.intent.confidence if understood.intent else 0.0,
            has_section,
            has_figure(text, composition.text),
            composition.no_contact,
            judged.top if judged else 0.0,
            judged.bank_similarity if judged else 0.0,
            judged.negative_share if judged else 0.0,
        ],
        dtype=np.float64,
    )


@dataclass(frozen=True)
class AnswerabilityModel:
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # P(unanswerable) at or above which the question is declined

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> AnswerabilityModel | None:
        """None when the file is missing or was fitted on other features: the Gate rule decides then."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if tuple(data.get("features", ())) != FEATURES:
            return None
        return cls(tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]), data["intercept"], data["threshold"])

    def p_unanswerable(self, x: np.ndarray) -> float:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return float(1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept))))

    def answers(self, x: np.ndarray) -> bool:
        return self.p_unanswerable(x) < self.threshold
