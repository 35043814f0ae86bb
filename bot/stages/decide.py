"""The decide stage: do the documents answer this question? If so, the extractive composition.

Answerable when the gate's signals say so (the best sentence's similarity, word coverage), or
when the question is about a service the directory knows. Then the composition must pass the
checks that generalise: a 'how long?' answer must hold a figure, and a request for a contact must
be for a team the documents describe. A decision or advice question is answered with what the
documents say, after a line saying the bot can't decide; a question comparing the draft and the
published strategy gets both versions, labelled.
"""

from __future__ import annotations

from bot.answer import Answer, Passage
from bot.citing import published_first
from bot.compose import Composition, ExtractiveComposer
from bot.context import Asked, Evidence, Gate
from bot.facts import CorpusFacts
from bot.guard import has_figure, needs_figure
from bot.respond import Responder
from bot.retrieve import HybridRetriever
from bot.wording import MESSAGES, asks_for_contact, compares_versions


class Decide:
    def __init__(
        self,
        composer: ExtractiveComposer,
        gate: Gate,
        facts: CorpusFacts,
        respond: Responder,
        retriever: HybridRetriever,
    ) -> None:
        self.composer = composer
        self.gate = gate
        self.facts = facts
        self.respond = respond
        self.retriever = retriever

    def __call__(self, asked: Asked) -> Answer | None:
        evidence, checked = asked.evidence, asked.checked
        assert evidence is not None, "the retrieve stage runs first"
        composition = self.compose_if_answered(checked.question, evidence)
        if checked.decision:
            asked.notes.append("decision")
            if composition is None:
                return self.respond.refuse(
                    asked.question,
                    MESSAGES["decision_empty"],
                    opening=asked.opening,
                    notes=asked.notes,
                    kind="decision",
                    refused=False,
                )
            asked.opening.append(MESSAGES["decision"])
        if compares_versions(checked.question):
            versions = self._versions(evidence)
            if len(versions) == 2:
                asked.notes.append("versions")
                return self.respond.quoted(
                    asked.question, versions, asked.opening, asked.closing, asked.notes, labelled=True
                )
        if composition is None:
            reason = MESSAGES["no_figure"] if needs_figure(checked.question) and evidence.passages else None
            return self.respond.refuse(asked.question, reason, opening=asked.opening, notes=asked.notes)
        asked.composition = composition
        asked.pieces, asked.citations, asked.used = (
            list(composition.pieces),
            list(composition.citations),
            composition.used,
        )
        return None

    def compose_if_answered(self, text: str, evidence: Evidence) -> Composition | None:
        found_service = evidence.understood.service is not None and evidence.best_unit >= self.gate.floor_dense
        if not evidence.passages or not (self.gate.answers(evidence.best_unit, evidence.coverage) or found_service):
            return None
        composition = self.composer.compose(
            evidence.question,
            evidence.expanded,
            evidence.passages,
            evidence.unit_sims,
            wants_contact=evidence.understood.wants_contact,
        )
        if not has_figure(text, composition.text):
            return None  # 'how long ...?' answered without a figure is no answer
        if asks_for_contact(text) and (
            (composition.no_contact and not (found_service or self.facts.names_a_team(evidence.context)))
            or self.facts.other_body(text, composition.text)
        ):
            return None  # a contact for something the documents only mention in passing
        return composition

    def _versions(self, evidence: Evidence) -> list[tuple[str, Passage]]:
        """A published sentence and the draft's version of it, from the same retrieval as Bot.search()."""
        wider = published_first(self.retriever.retrieve(evidence.context, evidence.expanded, evidence.vector))
        sims = [self.retriever.unit_similarity(evidence.vector, p.id) for p in wider]
        return self.composer.best_per_version(evidence.context, evidence.expanded, wider, sims)
