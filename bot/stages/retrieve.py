"""The retrieve stage: read the question in context, understand it, retrieve and rerank.

Its output, ``Evidence``, carries the passages an answer may quote and the signals the
answerability decision reads: the best sentence's similarity and the question's word
coverage. A follow-up is searched with the question before it, but its own words pick
the sentences.
"""

from __future__ import annotations

import numpy as np

from bot.answer import Passage
from bot.citing import published_first
from bot.compose import ExtractiveComposer
from bot.context import Asked, Evidence, Turn
from bot.facts import CorpusFacts
from bot.followup import read_in_context
from bot.query import QueryExpander
from bot.relevance.model import Relevance
from bot.retrieve import HybridRetriever
from bot.understand.stage import Understand, Understanding

OWN_WEIGHT = 0.65  # a follow-up's sentences: this much its own words, the rest the question before


class Retrieve:
    def __init__(
        self,
        retriever: HybridRetriever,
        expander: QueryExpander,
        composer: ExtractiveComposer,
        facts: CorpusFacts,
        understand: Understand | None,
        top_k: int,
        relevance: Relevance | None = None,
    ) -> None:
        self.retriever = retriever
        self.expander = expander
        self.composer = composer
        self.facts = facts
        self.understand = understand  # None: no service directory (unit tests of the answer stages)
        self.top_k = top_k
        self.relevance = relevance  # None: no question bank

    def __call__(self, asked: Asked) -> None:
        asked.evidence = self.run(asked.checked.question, asked.history)

    def ranked(self, question: str, history: list[Turn]) -> tuple[str, str, np.ndarray, list[Passage], Understanding]:
        """(context, expanded, its vector, every passage found in the order the answer reads them, understanding)."""
        context = read_in_context(question, history, self.facts.team_keys)
        expanded = self.expander.expand(context)
        vector = self.retriever.embed_query(context)
        judged = self.relevance.judge(context, vector) if self.relevance is not None else None  # the fusion reads it
        found = published_first(self.retriever.retrieve(context, expanded, vector))
        passages = self.facts.named_documents_first(question, found)
        understood = Understanding()
        if self.understand is not None:
            own = self.retriever.embed_query(question) if context != question else vector
            understood = self.understand.run(question, context, vector, own, history, judged and judged.best_section)
            chunk_sims = self.retriever.similarities(vector) if understood.service else {}
            passages = self.understand.rerank(passages, understood, self.retriever.passages, chunk_sims)
        return context, expanded, vector, passages, understood

    def run(self, question: str, history: list[Turn]) -> Evidence:
        context, expanded, vector, passages, understood = self.ranked(question, history)
        judged = self.relevance.judge(context, vector) if self.relevance is not None else None
        own = self.retriever.embed_query(question) if context != question else vector
        passages = passages[: self.top_k]
        unit_sims = [self.retriever.unit_similarity(vector, p.id) for p in passages]
        best_unit = max((s for sims in unit_sims for s in sims.values()), default=0.0)  # the gate reads the context
        if context != question:
            own_sims = [self.retriever.unit_similarity(own, p.id) for p in passages]
            unit_sims = [
                {pos: (1 - OWN_WEIGHT) * sim + OWN_WEIGHT * mine.get(pos, sim) for pos, sim in sims.items()}
                for sims, mine in zip(unit_sims, own_sims)
            ]
        coverage = self.composer.coverage(context, passages)
        return Evidence(
            context, expanded, passages, unit_sims, best_unit, coverage, question, vector, understood, judged
        )
