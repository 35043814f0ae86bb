"""The Bot: retrieval, composition and the refusal gate behind one ``ask``.

``Bot(retriever, composer, expander, ...)`` takes its parts explicitly so tests
can pass fakes; ``Bot.from_defaults()`` builds them from Settings.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator

from bot.answer import Answer, Passage
from bot.citing import draft_notes, find_signpost, published_first, render_disagreements
from bot.compose import (
    MESSAGES,
    Composition,
    ExtractiveComposer,
    _join,
    asked_acronym,
    asks_for_contact,
    compares_versions,
)
from bot.conflicts import ConflictFinder
from bot.context import Asked, Evidence, Gate
from bot.facts import CorpusFacts
from bot.followup import Turn, read_in_context, valid_history
from bot.gather import Gather
from bot.guard import Screening, has_figure, named_places, needs_figure, screen
from bot.llm.wiring import writer_from_settings
from bot.llm.writer import LLMWriter, Written, missing_details
from bot.query import QueryExpander, derive_glossary
from bot.respond import Responder
from bot.retrieve import HybridRetriever, RetrievalSettings
from bot.routing.router import Route, Router, RouteSettings
from bot.understand.stage import Understand
from bot.wiring import router_for, understand_for
from loa.settings import Settings

log = logging.getLogger(__name__)
RELOAD_SECONDS = 30.0  # how often a running bot looks for a new index build
_GENERIC_ACRONYMS = {"SEND", "SEN", "LEEDS", "EHCP", "EHC", "NHS", "UK", "LA", "CYP", "DOB", "ADHD", "ASD", "SEMH"}


class Bot:
    def __init__(
        self,
        retriever: HybridRetriever,
        composer: ExtractiveComposer,
        expander: QueryExpander,
        gate: Gate | None = None,
        top_k: int = 6,
        max_chars: int = 2000,
        writer: LLMWriter | None = None,
        router: Router | None = None,
        understand: Understand | None = None,
    ) -> None:
        self.top_k = top_k
        self.understand = understand  # None: no service directory (unit tests of the answer stages)
        self.router = router  # None: every message is treated as a question (unit tests of the answer stages)
        self.max_chars = max_chars
        self._source: tuple[Settings, object, str] | None = None  # set by from_defaults: where to reload from
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self.retriever = retriever
        self.composer = composer
        self.expander = expander
        self.gate = gate or Gate()
        self.writer = writer  # None: extractive answers only
        self.signpost = find_signpost(retriever.passages.values())
        self.conflicts = ConflictFinder(retriever)
        self.composer.unit_vector = retriever.unit_vector
        self.facts = CorpusFacts(retriever.passages.values())
        self.respond = Responder(self.signpost, self.composer.spell_out)
        self.gatherer = Gather(retriever, expander, composer, self.facts, understand, top_k)
        self._published_contacts = self.facts.published_contacts  # the screening reads it (eval.tune_route too)
        self.vocabulary = self.facts.vocabulary  # the LLM verifier's word list

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
        bot = cls(
            retriever,
            ExtractiveComposer(retriever.passages, glossary),
            QueryExpander(glossary),
            top_k=settings.top_k,
            max_chars=settings.max_input_chars,
            router=router_for(retriever, settings),
            understand=understand_for(retriever, store, active, settings),
        )
        bot.writer = writer_from_settings(settings, bot)
        bot._source = (settings, store, active.name)
        return bot

    def refresh(self, force: bool = False) -> bool:
        """Load the index again if ingest has switched to a new build since this bot loaded.

        Checked at most every RELOAD_SECONDS, so several app processes serving one Chroma
        server all move to a new build without restarting. Returns whether it reloaded.
        """
        if self._source is None or (not force and time.monotonic() - self._checked < RELOAD_SECONDS):
            return False
        self._checked = time.monotonic()
        settings, store, loaded = self._source
        try:
            active = store.active()
        except Exception as err:  # noqa: BLE001 - an unreachable index is reported when a question fails
            log.warning("could not check the index: %s", str(err)[:200])
            return False
        if active is None or active.name == loaded:
            return False
        fresh = Bot.from_defaults(settings, embed_model=self.retriever.embed_model)
        with self._lock:
            self.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "_lock"})
        log.info("switched to the new index build %s", active.name)
        return True

    # -- asking ------------------------------------------------------------
    def ask(
        self, question: str, history: list[Turn] | None = None, on_piece: Callable[[str], None] | None = None
    ) -> Answer:
        """Never raises: a failure (an index server gone away, say) becomes a clear message.

        ``on_piece`` receives a generated answer's sentences as they are verified (the LLM path);
        the returned Answer is final and may differ (the extractive answer when the model failed).
        """
        started = time.perf_counter()
        try:
            self.refresh()
            answer = self._answer(str(question or ""), valid_history(history), on_piece)
        except Exception as err:  # noqa: BLE001 - the person asking must get an answer, not a traceback
            log.warning("answering failed: %s: %s", type(err).__name__, str(err)[:200])
            answer = Answer(str(question or ""), MESSAGES["unavailable"], refused=True, kind="error", notes=["error"])
            answer.sentences = [answer.answer]
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer

    def stream(self, question: str, history: list[Turn] | None = None) -> Iterator[str | Answer]:
        """Yields the answer a sentence (or list item) at a time, then the whole Answer.

        With an LLM, each sentence is yielded once verified, while the model is still writing.
        The final Answer is what counts: if the model failed part way, it is the extractive
        answer and replaces what was shown.
        """
        if self.writer is None:
            answer = self.ask(question, history)
            yield from answer.sentences
            yield answer
            return
        pieces: queue.Queue[str | Answer] = queue.Queue()
        threading.Thread(
            target=lambda: pieces.put(self.ask(question, history, on_piece=pieces.put)), daemon=True
        ).start()
        shown: list[str] = []
        while isinstance(item := pieces.get(), str):
            shown.append(item)
            yield item
        if item.sentences[: len(shown)] == shown:
            yield from item.sentences[len(shown) :]
        yield item

    def search(self, question: str, history: list[Turn] | None = None) -> list[Passage]:
        """Ranked passages for a question, as the answer sees them (up to the retriever's top_k)."""
        context = read_in_context(" ".join(question.split()), history or [], self.facts.team_keys)
        return published_first(self.retriever.retrieve(context, self.expander.expand(context)))

    def context(self, passage_id: str) -> tuple[str, Passage, str]:
        """A passage with the text of the chunks before and after it in the same section."""
        passage = self.retriever.passages[passage_id]
        same = sorted(
            (p for p in self.retriever.passages.values() if p.doc == passage.doc and p.section == passage.section),
            key=lambda p: p.start,
        )
        i = same.index(passage)
        before = same[i - 1].text if i > 0 else ""
        after = same[i + 1].text if i + 1 < len(same) else ""
        return before, passage, after

    def gather(self, question: str, history: list[Turn]) -> Evidence:
        """The retrieve stage: passages for the question and the gate's signals (eval.tune reads it too)."""
        return self.gatherer.run(question, history)

    def _answer(self, question: str, history: list[Turn], on_piece: Callable[[str], None] | None = None) -> Answer:
        checked = screen(question, self.max_chars, self._published_contacts)
        route = self.route(checked, history)
        answer = self._respond(question, history, on_piece, checked, route)
        if route.label == "crisis" and answer.kind != "crisis":
            # less sure it is a crisis: the safety message first, then the answer if there is one
            answer = self.respond.crisis(question) if answer.refused else self.respond.safety_first(answer)
        answer.route, answer.route_confidence = route.label, route.confidence
        return answer

    def route(self, checked: Screening, history: list[Turn]) -> Route:
        """The route stage. The injection and abuse rules also strip what they matched, so they decide
        too; an insult inside a complaint about an answer stays a complaint."""
        if checked.injection:
            return Route("injection", 1.0, "instructions", by="rule")
        if self.router is None or not checked.question.strip(" ?.!"):
            return Route("injection", 1.0, "abuse", by="rule") if checked.abuse else Route("answer", 1.0, by="none")
        routed = self.router.route(checked.question, history, self.retriever.embed_query(checked.question))
        if checked.abuse and routed.label not in ("chitchat", "crisis"):
            return Route("injection", 1.0, "abuse", by="rule", scores=routed.scores)
        return routed

    def _respond(
        self,
        question: str,
        history: list[Turn],
        on_piece: Callable[[str], None] | None,
        checked: Screening,
        route: Route,
    ) -> Answer:
        asked = Asked(question, history, checked, route, on_piece)
        ended = self._frame(asked) or self._direct(asked)
        if ended is not None:
            return ended
        evidence = self.gather(checked.question, history)
        composition = self._compose_if_answered(asked, evidence)
        if checked.decision:
            asked.notes.append("decision")
            if composition is None:
                return self.respond.refuse(
                    question,
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
                return self.respond.quoted(question, versions, asked.opening, asked.closing, asked.notes, labelled=True)
        if composition is None:
            reason = MESSAGES["no_figure"] if needs_figure(checked.question) and evidence.passages else None
            return self.respond.refuse(question, reason, opening=asked.opening, notes=asked.notes)
        return self._finish(asked, evidence, composition)

    def _frame(self, asked: Asked) -> Answer | None:
        """Ends with a fixed response for the routes that get one; otherwise gathers the fixed lines."""
        question, checked, route, notes, opening = (
            asked.question,
            asked.checked,
            asked.route,
            asked.notes,
            asked.opening,
        )
        if checked.truncated:
            notes.append("truncated")
        if checked.personal:
            asked.closing.append(MESSAGES["personal"])
            notes.append("personal-data")
        if route.label == "crisis" and route.confidence >= self.router_settings.crisis_only_threshold:
            return self.respond.crisis(question)
        if route.label in ("chitchat", "vague", "non_english"):
            return self.respond.reply(question, route, notes)
        if route.label == "out_of_scope":
            return self.respond.refuse(question, MESSAGES["off_topic"], notes=notes, kind="declined")
        if route.label == "injection" and route.by != "rule":
            opening.append(MESSAGES["abuse" if route.kind == "abuse" else "injection"])
            notes.append("abuse" if route.kind == "abuse" else "injection")
        checked.decision = checked.decision or route.label == "advice"
        for found, key in ((checked.injection, "injection"), (checked.abuse, "abuse")):
            if found:
                opening.append(MESSAGES[key])
                notes.append(key)
        if not checked.question.strip(" ?.!"):
            if opening:
                return self.respond.refuse(
                    question, MESSAGES["off_topic"], opening=opening, notes=notes, kind="declined"
                )
            return Answer(question, "Please type a question.", refused=True, kind="empty", notes=notes)
        context = read_in_context(checked.question, asked.history, self.facts.team_keys)
        if not self.facts.on_topic(context, self.expander.expansions(context)):
            return self.respond.refuse(question, MESSAGES["off_topic"], opening=opening, notes=notes)
        return None

    def _direct(self, asked: Asked) -> Answer | None:
        """An acronym the documents define is answered with that sentence; a place they never name is declined."""
        text = asked.checked.question
        acronym = asked_acronym(text)
        defined = self.composer.definition(acronym, self.retriever.passages) if acronym else None
        if defined is not None:
            return self.respond.quoted(asked.question, [defined], asked.opening, asked.closing, asked.notes)
        unknown = [name for name in named_places(text) if not self.facts.known_name(name)]
        if unknown:
            reason = MESSAGES["unknown_place"].format(name=unknown[0])
            return self.respond.refuse(asked.question, reason, opening=asked.opening, notes=asked.notes)
        return None

    def _compose_if_answered(self, asked: Asked, evidence: Evidence) -> Composition | None:
        """Answerability: the gate's signals, or a service the question is about; then checks on the composition."""
        text = asked.checked.question
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
        """A published sentence and the draft's version of it, from the same retrieval as search()."""
        wider = published_first(self.retriever.retrieve(evidence.context, evidence.expanded, evidence.vector))
        sims = [self.retriever.unit_similarity(evidence.vector, p.id) for p in wider]
        return self.composer.best_per_version(evidence.context, evidence.expanded, wider, sims)

    def _finish(self, asked: Asked, evidence: Evidence, composition: Composition) -> Answer:
        """The optional LLM writer (verified), then disagreements, draft notes and the signpost."""
        pieces, citations, used = list(composition.pieces), list(composition.citations), composition.used
        path, generation = "extractive", None
        if self.writer is not None:
            written, generation = self._write(asked.question, evidence, asked.opening, asked.on_piece)
            if not written.fallback:
                exact = missing_details(written, composition.pieces, composition.citations)
                written.pieces += [MESSAGES["exact_details"], *exact] if exact else []
                generation["quoted_details"] = len(exact)
                pieces, citations, used, path = written.pieces, written.citations, written.used, "llm"
            else:
                asked.notes.append("llm-fallback")
                asked.closing.insert(0, MESSAGES["llm_fallback"])
        disagreements = self.conflicts.find(used)
        if disagreements:
            asked.notes.append("conflict" if any(not d.is_version for d in disagreements) else "versions")
            pieces += render_disagreements(disagreements, citations)
        pieces += draft_notes(citations)
        if asked.checked.decision and self.signpost:
            pieces.append(self.respond.signpost_piece(citations))
        pieces, expansions = self.composer.spell_out(asked.opening + pieces + asked.closing)
        return Answer(
            asked.question,
            _join(pieces),
            citations=citations,
            expansions=expansions,
            sentences=pieces,
            kind="decision" if asked.checked.decision else "answer",
            notes=asked.notes,
            path=path,
            generation=generation,
        )

    def _write(
        self, question: str, evidence: Evidence, opening: list[str], on_piece: Callable[[str], None] | None
    ) -> tuple[Written, dict]:
        """The LLM's verified answer; its sentences go to ``on_piece`` as they pass, acronyms spelled out."""
        shown: list[str] = []

        def show(piece: str) -> None:
            if on_piece is None:
                return
            if not shown:
                for line in opening:
                    on_piece(line)
            shown.append(piece)
            on_piece(self.composer.spell_out(opening + shown)[0][-1])

        asked = question if evidence.context == evidence.question else f"{evidence.context} ({question})"
        written = self.writer.write(asked, evidence.passages, on_piece=show)  # type: ignore[union-attr]
        return written, written.report()

    @property
    def router_settings(self) -> RouteSettings:
        return self.router.settings if self.router is not None else RouteSettings()
