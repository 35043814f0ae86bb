"""The understand stage: which service a question is about and what it wants to know.

Its result steers retrieval: the service's passages lead, and among them the
sections whose kind answers the intent ("how do I refer?" -> the referral
section). A follow-up that names no service keeps the one from the question
before it; its intent comes from the new message alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from bot.answer import Passage
from bot.understand.intent import SECTIONS_FOR, WANTS_CONTACT, Intent, IntentClassifier
from bot.understand.services import ServiceMatch, ServiceMatcher
from loa.services import Service


@dataclass(frozen=True)
class UnderstandSettings:
    max_added: int = 2  # the service's best passages added when retrieval missed them
    kind_bonus: float = 0.05  # similarity bonus for a section whose kind answers the intent
    # no service named or meant: the service of the question bank's best sentence, when at least this likely
    by_relevance: float = 0.3


@dataclass
class Understanding:
    intent: Intent | None = None
    services: list[ServiceMatch] = field(default_factory=list)
    carried: bool = False  # the service came from the question before

    @property
    def service(self) -> Service | None:
        return self.services[0].service if self.services else None

    @property
    def wants_contact(self) -> bool:
        return self.intent is not None and self.intent.label in WANTS_CONTACT


class Understand:
    def __init__(
        self, matcher: ServiceMatcher, intents: IntentClassifier | None, settings: UnderstandSettings | None = None
    ) -> None:
        self.matcher = matcher
        self.intents = intents
        self.settings = settings or UnderstandSettings()

    def run(
        self,
        question: str,
        context: str,
        vector: np.ndarray,
        own_vector: np.ndarray | None = None,
        history: list[dict[str, str]] | None = None,
        best: tuple[str, float] | None = None,
    ) -> Understanding:
        """``context`` is the question read with the one before when it is a follow-up; ``vector`` embeds it;
        ``best``: the section of the question bank's best sentence for it, and that sentence's probability.

        A follow-up naming no service keeps the one the last answer named, else the one in the context.
        A question that names none and means none is about the service of its best sentence, if likely.
        """
        intent = self.intents.classify(question, own_vector) if self.intents is not None else None
        services = self.matcher.match(question, own_vector if own_vector is not None else vector)
        carried = False
        if not services and context != question:
            answers = [t.get("content", "") for t in history or [] if t.get("role") == "assistant"]
            services = (self.matcher.by_name(answers[-1]) if answers else []) or self.matcher.match(context, vector)
            carried = bool(services)
        owner = self.matcher.service_of(best[0]) if best is not None and best[1] >= self.settings.by_relevance else None
        if not services and owner is not None:
            services = [ServiceMatch(owner, best[1], "relevance")]  # type: ignore[index]
        return Understanding(intent, services, carried=carried)

    def rerank(
        self,
        passages: list[Passage],
        understood: Understanding,
        all_passages: dict[str, Passage],
        sims: dict[str, float],
    ) -> list[Passage]:
        """A service named in the question: its passages first, in retrieval's order, then the rest.

        Passages of the service that retrieval missed are added (best for the intent first), so its
        contact or referral section can answer; ``sims`` is the question's similarity to every chunk.
        A service matched only by meaning adds its passages but leaves retrieval's order alone.
        """
        service = understood.service
        if service is None:
            return passages
        labels = service.section_labels()
        wanted = SECTIONS_FOR.get(understood.intent.label, ()) if understood.intent else ()
        have = {p.id for p in passages}

        def fit(p: Passage) -> float:
            kind = service.kind_of(p.section)
            return (
                sims.get(p.id, 0.0)
                + (self.settings.kind_bonus if kind in wanted else 0.0)
                - (0.1 if kind == "views" else 0.0)
            )

        missing = sorted(
            (p for p in all_passages.values() if p.section in labels and p.id not in have), key=lambda p: -fit(p)
        )
        added = [replace(p, dense=sims.get(p.id, 0.0)) for p in missing[: self.settings.max_added]]
        if understood.services[0].by in ("meaning", "relevance"):
            return passages + added
        ours = [p for p in passages if p.section in labels] + added
        return ours + [p for p in passages if p.section not in labels]
