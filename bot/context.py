"""The state one question carries through the answer stages, and the gate's rule.

``Asked`` is the message as screened and routed, with the fixed lines gathered so far;
``Evidence`` is what the retrieve stage found for it. Each stage reads and adds to them,
and any stage may end the answer with a response of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bot.answer import Citation, Passage
from bot.compose import Composition
from bot.guard import Screening
from bot.llm.writer import LLMWriter
from bot.relevance.model import Judged
from bot.routing.router import Route
from bot.understand.stage import Understanding

Turn = dict[str, str]


@dataclass(frozen=True)
class Gate:
    """Refuse when neither meaning nor words match well.

    Calibrated on the eval set (`python -m eval.tune gate`): the best sentence's similarity
    separates answerable from unanswerable questions; word coverage rescues only a few.
    """

    min_dense: float = 0.45  # similarity of the best sentence to the question: enough alone
    min_coverage: float = 0.7  # share of the question's words in a top passage: enough alone
    floor_dense: float = 0.3  # below this nothing is answered

    def answers(self, dense: float, coverage: float) -> bool:
        if dense < self.floor_dense:
            return False
        return dense >= self.min_dense or coverage >= self.min_coverage


@dataclass
class Asked:
    question: str  # as typed
    history: list[Turn]
    checked: Screening  # the question screened: what is left to answer, and what was found in it
    route: Route
    on_piece: Callable[[str], None] | None = None
    writer: LLMWriter | None = None  # the optional LLM writer of the bot answering
    opening: list[str] = field(default_factory=list)  # fixed lines before the answer
    closing: list[str] = field(default_factory=list)  # fixed lines after it
    gaps: list[str] = field(default_factory=list)  # what the documents don't say, right after the answer
    notes: list[str] = field(default_factory=list)
    evidence: Evidence | None = None  # set by the retrieve stage
    composition: Composition | None = None  # set by the decide stage when the documents answer
    # the answer as it is built: the composition's, or the LLM writer's when it passed verification
    pieces: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    used: list[tuple[str, int]] = field(default_factory=list)
    path: str = "extractive"
    generation: dict | None = None


@dataclass
class Evidence:
    context: str  # the question, with the previous one when it is a follow-up
    expanded: str
    passages: list[Passage]
    unit_sims: list[dict[int, float]]
    best_unit: float  # similarity of the best sentence to the question
    coverage: float  # share of the question's words a top passage holds
    question: str = ""  # the message itself (context differs for a follow-up)
    vector: np.ndarray | None = None  # the context's embedding, reused rather than computed again
    understood: Understanding = field(default_factory=Understanding)
    judged: Judged | None = None  # what the question bank's relevance model says (None: no bank)
