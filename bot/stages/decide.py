"""The decide stage: do the documents answer this question? If so, the extractive composition.

Answerable when the answerability model fitted on dev says so (bot/answerability.py), or, without
it, when the Gate rule's signals do or the question is about a service the directory knows. A
request for a contact must then be for a team the documents describe. A decision or advice
question is answered with what the documents say, after a line saying the bot can't decide; a
question comparing the draft and the published strategy gets both versions, labelled.
"""

from __future__ import annotations

from bot.answer import Answer, Passage
from bot.answerability import AnswerabilityModel, features
from bot.citing import cite, published_first
from bot.compose import Composition, ExtractiveComposer
from bot.context import Asked, Evidence, Gate
from bot.facts import CorpusFacts
from bot.guard import has_figure, needs_figure
from bot.respond import Responder
from bot.retrieve import HybridRetriever
from bot.wording import MESSAGES, asks_for_contact, compares_versions, contact_intent


class Decide:
    def __init__(
        self,
        composer: ExtractiveComposer,
        gate: Gate,
        facts: CorpusFacts,
        respond: Responder,
        retriever: HybridRetriever,
        model: AnswerabilityModel | None = None,
        sure_intent: float = 0.6,
    ) -> None:
        self.model = model  # None: the Gate rule decides
        self.sure_intent = sure_intent  # an intent at least this likely may say what the documents don't cover
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
        self._add_service_contacts(asked, evidence)  # after the pieces are the composition's: it adds to them
        self._say_what_is_missing(asked, evidence)
        return None

    def compose_if_answered(self, text: str, evidence: Evidence) -> Composition | None:
        """The composition when the documents answer: the fitted model decides, else the Gate rule."""
        if not evidence.passages:
            return None
        found_service = evidence.understood.service is not None and evidence.best_unit >= self.gate.floor_dense
        if self.model is None and not (self.gate.answers(evidence.best_unit, evidence.coverage) or found_service):
            return None
        composition = self.composition(evidence)
        if self.model is not None:
            if not self.model.answers(features(text, evidence, composition)):
                return None
        elif not has_figure(text, composition.text):
            return None  # 'how long ...?' answered without a figure is no answer
        if asks_for_contact(text) and (
            (composition.no_contact and not (found_service or self.facts.names_a_team(evidence.context)))
            or self.facts.other_body(text, composition.text)
        ):
            return None  # a contact for something the documents only mention in passing
        return composition

    def composition(self, evidence: Evidence) -> Composition:
        """The extractive composition of the retrieved passages, with the question bank's relevance if any."""
        return self.composer.compose(
            evidence.question,
            evidence.expanded,
            evidence.passages,
            evidence.unit_sims,
            wants_contact=evidence.understood.wants_contact,
            relevance=evidence.judged.by_place if evidence.judged is not None else None,
        )

    def _add_service_contacts(self, asked: Asked, evidence: Evidence) -> None:
        """Who/how/where about a service the directory has contact lines for: end with them, as written."""
        service, text = evidence.understood.service, asked.checked.question
        if service is None or not service.contacts or not (evidence.understood.wants_contact or contact_intent(text)):
            return
        said = " ".join(asked.pieces).lower()
        if any(line.lower() in said for line in service.contacts):
            return
        labels = service.section_labels()
        quoted = []
        for line in service.contacts:
            holder = next(
                (
                    p
                    for p in self.retriever.passages.values()
                    if p.section in labels and line in " ".join(p.text.split())
                ),
                None,
            )
            if holder is not None:
                quoted.append(f"{line} [{cite(asked.citations, holder)}]")
        if quoted:
            asked.pieces = [p for p in asked.pieces if p != MESSAGES["no_contact"]]
            asked.pieces.append(f"{MESSAGES['contact_team'].format(team=service.name)} {' '.join(quoted)}")

    def _say_what_is_missing(self, asked: Asked, evidence: Evidence) -> None:
        """Half answered: 'how do I get their help?' about a service whose pages never say how."""
        understood = evidence.understood
        service, intent = understood.service, understood.intent
        if service is None or intent is None or understood.services[0].by in ("meaning", "relevance"):
            return
        if intent.label == "request" and intent.confidence >= self.sure_intent and "request" not in service.sections:
            asked.gaps.append(MESSAGES["no_request"].format(service=service.name))
            asked.notes.append("half-answered")

    def _versions(self, evidence: Evidence) -> list[tuple[str, Passage]]:
        """A published sentence and the draft's version of it, from the same retrieval as Bot.search()."""
        wider = published_first(self.retriever.retrieve(evidence.context, evidence.expanded, evidence.vector))
        sims = [self.retriever.unit_similarity(evidence.vector, p.id) for p in wider]
        return self.composer.best_per_version(evidence.context, evidence.expanded, wider, sims)
