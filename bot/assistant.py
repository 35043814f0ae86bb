"""The Bot: retrieval, composition and the refusal gate behind one ``ask``.

``Bot(retriever, composer, expander, ...)`` takes its parts explicitly so tests
can pass fakes; ``Bot.from_defaults()`` builds them from Settings.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from bot.answer import Answer, Citation, Passage
from bot.compose import MESSAGES, ExtractiveComposer
from bot.query import QueryExpander, derive_glossary
from bot.retrieve import HybridRetriever, RetrievalSettings
from bot.text import EMAIL, PHONE, split_units
from loa.settings import Settings

Turn = dict[str, str]  # {"role": "user" | "assistant", "content": ...}


@dataclass(frozen=True)
class Gate:
    """Refuse when neither meaning nor words match well. Calibrated on the eval set."""

    min_dense: float = 0.45  # cosine of the best passage: enough alone
    min_coverage: float = 0.6  # share of the question's words in a top passage: enough alone
    floor_dense: float = 0.3  # below this nothing is answered

    def answers(self, dense: float, coverage: float) -> bool:
        if dense < self.floor_dense:
            return False
        return dense >= self.min_dense or coverage >= self.min_coverage


@dataclass
class Evidence:
    context: str  # the question, with the previous one when it is a follow-up
    expanded: str
    passages: list[Passage]
    unit_sims: list[dict[int, float]]
    best_unit: float  # similarity of the best sentence to the question
    coverage: float  # share of the question's words a top passage holds


class Bot:
    def __init__(
        self,
        retriever: HybridRetriever,
        composer: ExtractiveComposer,
        expander: QueryExpander,
        gate: Gate | None = None,
        top_k: int = 6,
    ) -> None:
        self.top_k = top_k
        self.retriever = retriever
        self.composer = composer
        self.expander = expander
        self.gate = gate or Gate()
        self.signpost = _find_signpost(retriever.passages.values())

    @classmethod
    def from_defaults(cls, settings: Settings | None = None, embed_model=None) -> Bot:  # noqa: ANN001
        from loa.embedding import query_embed_model
        from loa.store import IndexStore

        settings = settings or Settings.from_env()
        store = IndexStore.open(settings)
        collection, active = store.serving_collection()
        retriever = HybridRetriever(
            collection, embed_model or query_embed_model(), RetrievalSettings(), units=store.units_collection(active)
        )
        glossary = derive_glossary(p.text for p in retriever.passages.values())
        return cls(
            retriever, ExtractiveComposer(retriever.passages, glossary), QueryExpander(glossary), top_k=settings.top_k
        )

    # -- asking ------------------------------------------------------------
    def ask(self, question: str, history: list[Turn] | None = None) -> Answer:
        started = time.perf_counter()
        answer = self._answer(" ".join(question.split()), history or [])
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer

    def stream(self, question: str, history: list[Turn] | None = None) -> Iterator[str | Answer]:
        """Yields the answer a sentence (or list item) at a time, then the whole Answer."""
        answer = self.ask(question, history)
        yield from answer.sentences
        yield answer

    def search(self, question: str, history: list[Turn] | None = None) -> list[Passage]:
        """Ranked passages for a question, as the answer sees them (up to the retriever's top_k)."""
        context = _context(" ".join(question.split()), history or [])
        return _published_first(self.retriever.retrieve(context, self.expander.expand(context)))

    def gather(self, question: str, history: list[Turn]) -> Evidence:
        """Retrieve, and measure how well the best passages match (the gate's signals)."""
        context = _context(question, history)
        expanded = self.expander.expand(context)
        vector = self.retriever.embed_query(context)
        passages = _published_first(self.retriever.retrieve(context, expanded, vector))[: self.top_k]
        unit_sims = [self.retriever.unit_similarity(vector, p.id) for p in passages]
        best_unit = max((s for sims in unit_sims for s in sims.values()), default=0.0)
        coverage = self.composer.coverage(context, passages)
        return Evidence(context, expanded, passages, unit_sims, best_unit, coverage)

    def _answer(self, question: str, history: list[Turn]) -> Answer:
        if not question:
            return Answer(question, "Please type a question.", refused=True, kind="empty")
        evidence = self.gather(question, history)
        if not evidence.passages or not self.gate.answers(evidence.best_unit, evidence.coverage):
            return self.refuse(question)
        composition = self.composer.compose(evidence.context, evidence.expanded, evidence.passages, evidence.unit_sims)
        return Answer(
            question,
            composition.text,
            citations=composition.citations,
            expansions=composition.expansions,
            sentences=composition.pieces,
        )

    def refuse(self, question: str, reason: str | None = None) -> Answer:
        pieces = [reason or MESSAGES["refusal"], MESSAGES["covers"]]
        citations: list[Citation] = []
        if self.signpost is not None:
            unit, passage = self.signpost
            citations.append(Citation.of(1, passage))
            pieces.append(f"{MESSAGES['signpost']} {unit} [1]")
        return Answer(
            question, "\n\n".join(pieces), refused=True, citations=citations, kind="refused", sentences=pieces
        )


def _context(question: str, history: list[Turn]) -> str:
    """A follow-up ('and their email?') is read with the question before it."""
    previous = [t.get("content", "") for t in history if t.get("role") == "user"]
    if previous and _is_follow_up(question):
        return f"{previous[-1]} {question}"
    return question


_FOLLOW_UP_WORDS = {"they", "their", "them", "it", "its", "that", "this", "there", "he", "she", "his", "her", "those"}


def _is_follow_up(question: str) -> bool:
    words = question.lower().replace("?", " ").split()
    return len(words) <= 12 and (
        bool(_FOLLOW_UP_WORDS & set(words))
        or question.lower().startswith(("and ", "what about", "how about", "what if"))
    )


def _published_first(passages: list[Passage]) -> list[Passage]:
    """When a draft and a published passage both match, the published one leads."""
    if not passages or not passages[0].is_draft:
        return passages
    best = passages[0]
    for i, p in enumerate(passages[1:4], start=1):
        if not p.is_draft and p.dense >= best.dense - 0.08:
            return [p] + passages[:i] + passages[i + 1 :]
    return passages


def _find_signpost(passages) -> tuple[str, Passage] | None:  # noqa: ANN001
    """SENDIASS's contact line, quoted from the corpus; published sources first."""
    candidates = []
    for p in passages:
        for unit in split_units(p.text, 0):
            text = unit.text
            if ("sendiass" in text.lower() or "Information Advice" in text) and (
                EMAIL.search(text) or PHONE.search(text)
            ):
                candidates.append((p.is_draft, -len(text), text, p))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]))
    return candidates[0][2], candidates[0][3]
