"""The Bot: retrieval, composition and the refusal gate behind one ``ask``.

``Bot(retriever, composer, expander, ...)`` takes its parts explicitly so tests
can pass fakes; ``Bot.from_defaults()`` builds them from Settings.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from bot.answer import Answer, Citation, Passage
from bot.citing import cite, draft_notes, find_signpost, published_first, render_disagreements, team_names
from bot.compose import (
    MESSAGES,
    ExtractiveComposer,
    _join,
    asked_acronym,
    asks_for_contact,
    compares_versions,
    team_key,
)
from bot.conflicts import ConflictFinder
from bot.followup import Turn, read_in_context, valid_history
from bot.guard import NOT_DOMAIN_WORDS, Screening, has_figure, named_places, needs_figure, screen
from bot.llm.wiring import writer_from_settings
from bot.llm.writer import LLMWriter, Written, missing_details
from bot.privacy import published_contacts
from bot.query import QueryExpander, derive_glossary
from bot.retrieve import HybridRetriever, RetrievalSettings
from bot.routing.replies import SUGGESTIONS, fixed_answer
from bot.routing.router import Route, Router, RouteSettings
from bot.text import terms
from loa.settings import Settings

log = logging.getLogger(__name__)
RELOAD_SECONDS = 30.0  # how often a running bot looks for a new index build
_GENERIC_ACRONYMS = {"SEND", "SEN", "LEEDS", "EHCP", "EHC", "NHS", "UK", "LA", "CYP", "DOB", "ADHD", "ASD", "SEMH"}


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
class Evidence:
    context: str  # the question, with the previous one when it is a follow-up
    expanded: str
    passages: list[Passage]
    unit_sims: list[dict[int, float]]
    best_unit: float  # similarity of the best sentence to the question
    coverage: float  # share of the question's words a top passage holds
    question: str = ""  # the message itself (context differs for a follow-up)
    vector: np.ndarray | None = None  # the context's embedding, reused rather than computed again


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
    ) -> None:
        self.top_k = top_k
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
        self._published_contacts = published_contacts([p.text for p in retriever.passages.values()])
        # 'Leeds Local Offer: The mainstream school offer' -> 'mainstream school offer'
        self._title_keys = {
            p.doc: " ".join(re.findall(r"[a-z]+", p.title.split(":")[-1].lower().removeprefix(" the ")))
            for p in retriever.passages.values()
        }
        frequency = Counter(t for p in retriever.passages.values() for t in set(terms(f"{p.section} {p.text}")))
        generic = set(terms(" ".join(NOT_DOMAIN_WORDS)))
        self._domain_words = {t for t, n in frequency.items() if n >= 2} - generic
        self._corpus_text = " ".join(" ".join(p.text.split()) for p in retriever.passages.values()).lower()
        self._team_keys = {k for p in retriever.passages.values() for k in team_names(p) if len(k) > 3}
        # words the documents write in lower case: an ordinary word opening a sentence is not a name
        running_text = " ".join(p.text for p in retriever.passages.values())
        self.vocabulary = frozenset(re.findall(r"\b[a-z][a-z'’-]*\b", running_text))

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
        context = read_in_context(" ".join(question.split()), history or [], self._team_keys)
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
        """Retrieve, and measure how well the best passages match (the gate's signals)."""
        context = read_in_context(question, history, self._team_keys)
        expanded = self.expander.expand(context)
        vector = self.retriever.embed_query(context)
        found = published_first(self.retriever.retrieve(context, expanded, vector))
        passages = self._named_documents_first(question, found)[: self.top_k]
        unit_sims = [self.retriever.unit_similarity(vector, p.id) for p in passages]
        best_unit = max((s for sims in unit_sims for s in sims.values()), default=0.0)  # the gate reads the context
        if context != question:
            # a follow-up: the earlier question found the team; the new one picks the sentences
            own = self.retriever.embed_query(question)
            unit_sims = [
                {pos: 0.35 * sim + 0.65 * own_sims.get(pos, sim) for pos, sim in sims.items()}
                for sims, own_sims in zip(unit_sims, (self.retriever.unit_similarity(own, p.id) for p in passages))
            ]
        coverage = self.composer.coverage(context, passages)
        return Evidence(context, expanded, passages, unit_sims, best_unit, coverage, question, vector)

    def _answer(self, question: str, history: list[Turn], on_piece: Callable[[str], None] | None = None) -> Answer:
        checked = screen(question, self.max_chars, self._published_contacts)
        route = self.route(checked, history)
        answer = self._respond(question, history, on_piece, checked, route)
        if route.label == "crisis" and answer.kind != "crisis":
            # less sure it is a crisis: the safety message first, then the answer if there is one
            answer = self._crisis(question) if answer.refused else self._safety_first(answer)
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
        opening: list[str] = []  # fixed messages that come before the answer
        notes: list[str] = []
        if checked.truncated:
            notes.append("truncated")
        closing = [MESSAGES["personal"]] if checked.personal else []
        if checked.personal:
            notes.append("personal-data")
        if route.label == "crisis" and route.confidence >= self.router_settings.crisis_only_threshold:
            return self._crisis(question)
        if route.label in ("chitchat", "vague", "non_english"):
            return self._reply(question, route, notes)
        if route.label == "out_of_scope":
            return self.refuse(question, MESSAGES["off_topic"], notes=notes, kind="declined")
        if route.label == "injection" and route.by != "rule":
            opening.append(MESSAGES["abuse" if route.kind == "abuse" else "injection"])
            notes.append("abuse" if route.kind == "abuse" else "injection")
        checked.decision = checked.decision or route.label == "advice"
        if checked.injection:
            opening.append(MESSAGES["injection"])
            notes.append("injection")
        if checked.abuse:
            opening.append(MESSAGES["abuse"])
            notes.append("abuse")
        if not checked.question.strip(" ?.!"):
            if opening:
                return self.refuse(question, MESSAGES["off_topic"], opening=opening, notes=notes, kind="declined")
            return Answer(question, "Please type a question.", refused=True, kind="empty", notes=notes)
        if not self._on_topic(read_in_context(checked.question, history, self._team_keys)):
            return self.refuse(question, MESSAGES["off_topic"], opening=opening, notes=notes)

        acronym = asked_acronym(checked.question)
        defined = self.composer.definition(acronym, self.retriever.passages) if acronym else None
        if defined is not None:
            return self._quoted(question, [defined], opening, closing, notes)
        unknown = [name for name in named_places(checked.question) if not self._known_name(name)]
        if unknown:
            reason = MESSAGES["unknown_place"].format(name=unknown[0])
            return self.refuse(question, reason, opening=opening, notes=notes)
        evidence = self.gather(checked.question, history)
        answered = bool(evidence.passages) and self.gate.answers(evidence.best_unit, evidence.coverage)
        composition = None
        if answered:
            composition = self.composer.compose(
                evidence.question, evidence.expanded, evidence.passages, evidence.unit_sims
            )
            if not has_figure(checked.question, composition.text):
                answered = False  # 'how long ...?' answered without a figure is no answer
            elif asks_for_contact(checked.question) and (
                (composition.no_contact and not self._names_a_team(evidence))
                or self._other_body(checked.question, composition.text)
            ):
                answered = False  # a contact for something the documents only mention in passing
        if checked.decision:
            notes.append("decision")
            if not answered:
                return self.refuse(
                    question, MESSAGES["decision_empty"], opening=opening, notes=notes, kind="decision", refused=False
                )
            opening.append(MESSAGES["decision"])
        if compares_versions(checked.question):
            # the same retrieval as search(), on the vector gather() already computed
            wider = published_first(self.retriever.retrieve(evidence.context, evidence.expanded, evidence.vector))
            sims = [self.retriever.unit_similarity(evidence.vector, p.id) for p in wider]
            versions = self.composer.best_per_version(evidence.context, evidence.expanded, wider, sims)
            if len(versions) == 2:
                notes.append("versions")
                return self._quoted(question, versions, opening, closing, notes, labelled=True)
        if not answered or composition is None:
            reason = MESSAGES["no_figure"] if needs_figure(checked.question) and evidence.passages else None
            return self.refuse(question, reason, opening=opening, notes=notes)

        pieces, citations, used = list(composition.pieces), list(composition.citations), composition.used
        path, generation = "extractive", None
        if self.writer is not None:
            written, generation = self._write(question, evidence, opening, on_piece)
            if not written.fallback:
                exact = missing_details(written, composition.pieces, composition.citations)
                written.pieces += [MESSAGES["exact_details"], *exact] if exact else []
                generation["quoted_details"] = len(exact)
            if written.fallback:
                notes.append("llm-fallback")
                closing.insert(0, MESSAGES["llm_fallback"])
            else:
                pieces, citations, used, path = written.pieces, written.citations, written.used, "llm"
        disagreements = self.conflicts.find(used)
        if disagreements:
            notes.append("conflict" if any(not d.is_version for d in disagreements) else "versions")
            pieces += render_disagreements(disagreements, citations)
        pieces += draft_notes(citations)
        if checked.decision and self.signpost:
            pieces.append(self._signpost_piece(citations))
        pieces = opening + pieces + closing
        pieces, expansions = self.composer.spell_out(pieces)
        return Answer(
            question,
            _join(pieces),
            citations=citations,
            expansions=expansions,
            sentences=pieces,
            kind="decision" if checked.decision else "answer",
            notes=notes,
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

    def _quoted(
        self,
        question: str,
        quotes: list[tuple[str, Passage]],
        opening: list[str],
        closing: list[str],
        notes: list[str],
        labelled: bool = False,
    ) -> Answer:
        """An answer made of given corpus sentences, each cited; labelled with document and status if asked."""
        citations: list[Citation] = []
        pieces = list(opening)
        for text, passage in quotes:
            n = cite(citations, passage)
            pieces.append(f"- {passage.title} ({passage.status_label}): {text} [{n}]" if labelled else f"{text} [{n}]")
        pieces += draft_notes(citations) + closing
        pieces, expansions = self.composer.spell_out(pieces)
        return Answer(
            question, _join(pieces), citations=citations, expansions=expansions, sentences=pieces, notes=notes
        )

    def _known_name(self, name: str) -> bool:
        """'Leeds Virtual School' is known (the corpus has 'Virtual School'); 'Roundhay School' is not."""
        generic = {"leeds", "the", "school", "academy", "primary", "college", "nursery", "surgery", "hospital", "high"}
        distinctive = [w for w in name.lower().split() if w not in generic]
        return all(re.search(rf"\b{re.escape(w)}\b", self._corpus_text) for w in distinctive)

    def _named_documents_first(self, question: str, passages: list[Passage]) -> list[Passage]:
        """'... in the mainstream school offer?', '... the draft strategy ...': that document's passages lead."""
        asked = f" {' '.join(re.findall(r'[a-z]+', question.lower()))} "
        named = {doc for doc, key in self._title_keys.items() if f" {key} " in asked}
        if re.search(r"\bdraft\b", asked):
            named |= {p.doc for p in passages if p.is_draft}
        if not named:
            return passages
        return [p for p in passages if p.doc in named] + [p for p in passages if p.doc not in named]

    def _on_topic(self, text: str) -> bool:
        """Shares a word (or, through the phrase list, a meaning) with at least two passages of the documents."""
        words = set(terms(text + " " + " ".join(self.expander.expansions(text))))
        return bool(words & self._domain_words)

    def _other_body(self, question: str, answer: str) -> bool:
        """'the phone number for CAMHS': an organisation the answer never names is not what it gives contacts for."""
        named = {a for a in re.findall(r"\b[A-Z]{3,}\b", question) if a not in _GENERIC_ACRONYMS}
        named = {a for a in named if a.lower() not in self._team_keys}
        flat = answer.lower().replace(" ", "")  # 'SEND IASS' and 'sendiass@leeds.gov.uk' both name SENDIASS
        return bool(named) and not any(a.lower() in flat for a in named)

    def _names_a_team(self, evidence: Evidence) -> bool:
        """Does the question name a team or service the documents describe (not just mention)?"""
        asked = f" {team_key(evidence.context)} "
        return any(f" {key} " in asked for key in self._team_keys)

    @property
    def router_settings(self) -> RouteSettings:
        return self.router.settings if self.router is not None else RouteSettings()

    def _safety_first(self, answer: Answer) -> Answer:
        """A message that may be a crisis, though less surely: the safety message first, then the answer."""
        safety = [MESSAGES["crisis"], MESSAGES["crisis_also"]]
        answer.sentences = [*safety, *answer.sentences]
        answer.answer = _join(answer.sentences)
        answer.kind, answer.refused = "crisis", False
        answer.notes = ["crisis", *answer.notes]
        return answer

    def _crisis(self, question: str) -> Answer:
        """The fixed safety message, first and on its own, with the Leeds advice line quoted."""
        pieces = [MESSAGES["crisis"], MESSAGES["crisis_more"]]
        citations: list[Citation] = []
        if self.signpost:
            pieces.append(self._signpost_piece(citations))
        return Answer(
            question, "\n\n".join(pieces), citations=citations, kind="crisis", sentences=pieces, notes=["crisis"]
        )

    def _reply(self, question: str, route: Route, notes: list[str]) -> Answer:
        """A greeting, thanks, complaint, vague or non-English message: a fixed reply, no answer from the documents."""
        citations: list[Citation] = []
        suggestions: list[str] = []
        if route.label == "chitchat":
            pieces = [MESSAGES[f"chitchat_{route.kind or 'greeting'}"]]
        elif route.label == "vague":
            suggestions = list(SUGGESTIONS)
            pieces = [MESSAGES["vague"], *(f"- {s}" for s in suggestions)]
        else:
            pieces = [MESSAGES["non_english"]]
            if self.signpost:
                pieces.append(self._signpost_piece(citations))
        if "personal-data" in notes:
            pieces.append(MESSAGES["personal"])
        return fixed_answer(
            question, pieces, citations, kind="reply", notes=[*notes, route.label], suggestions=suggestions
        )

    def _signpost_piece(self, citations: list[Citation]) -> str:
        n = cite(citations, self.signpost[1])
        return f"{MESSAGES['signpost']} " + " ".join(f"{text} [{n}]" for text in self.signpost[0])

    def refuse(
        self,
        question: str,
        reason: str | None = None,
        *,
        opening: list[str] | None = None,
        notes: list[str] | None = None,
        kind: str = "refused",
        refused: bool = True,
    ) -> Answer:
        pieces = [*(opening or []), reason or MESSAGES["refusal"], MESSAGES["covers"]]
        citations: list[Citation] = []
        if self.signpost is not None:
            pieces.append(self._signpost_piece(citations))
        if "personal-data" in (notes or []):
            pieces.append(MESSAGES["personal"])
        return fixed_answer(question, pieces, citations, kind=kind, notes=notes or [], refused=refused)


def router_for(retriever: HybridRetriever, settings: Settings) -> Router:
    """The route stage on the same MiniLM vectors retrieval uses, trained once per set of exemplar files."""
    from bot.routing.model import Domain

    domain = Domain(retriever.sentence_vectors, retriever.chunk_vectors)
    model_id = str(getattr(retriever.embed_model, "model_name", "") or "model")  # a test's fake has its own cache
    return Router.from_defaults(retriever.embed_query, domain, settings.cache_dir, model_id=model_id)
