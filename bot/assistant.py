"""The Bot: the answer stages (bot/stages/) behind one ``ask``, plus search and index reloads.

``Bot(retriever, composer, expander, ...)`` takes its parts explicitly so tests
can pass fakes; ``Bot.from_defaults()`` builds them from Settings.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bot.answer import Answer, Passage
from bot.answerability import AnswerabilityModel
from bot.citing import find_signpost
from bot.compose import ExtractiveComposer
from bot.conflicts import ConflictFinder
from bot.context import Asked, Evidence, Gate
from bot.facts import CorpusFacts
from bot.followup import Turn, valid_history
from bot.guard import Screening, screen
from bot.llm.wiring import writer_from_settings
from bot.llm.writer import LLMWriter
from bot.query import QueryExpander, derive_glossary
from bot.relevance.model import Relevance
from bot.respond import Responder
from bot.retrieve import HybridRetriever, RetrievalSettings
from bot.routing.canonical import canonical
from bot.routing.router import Route, Router, RouteSettings
from bot.stages.annotate import Annotate
from bot.stages.decide import Decide
from bot.stages.direct import Direct
from bot.stages.frame import Frame
from bot.stages.pipeline import Pipeline
from bot.stages.retrieve import Retrieve
from bot.stages.route import RouteStage
from bot.stages.write import Write
from bot.understand.stage import Understand
from bot.wiring import relevance_for, router_for, understand_for
from bot.wording import MESSAGES
from loa.settings import Settings

log = logging.getLogger(__name__)
RELOAD_SECONDS = 30.0  # how often a running bot looks for a new index build


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
        answerability: AnswerabilityModel | None = None,
        relevance: Relevance | None = None,
    ) -> None:
        self.top_k = top_k
        self.understand = understand  # None: no service directory (unit tests of the answer stages)
        self.max_chars = max_chars
        self._source: tuple[Settings, object, str] | None = None  # set by from_defaults: where to reload from
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self.retriever = retriever
        self.composer = composer
        self.expander = expander
        self.gate = gate or Gate()
        self.signpost = find_signpost(retriever.passages.values())
        self.conflicts = ConflictFinder(retriever)
        self.composer.unit_vector = retriever.unit_vector
        self.facts = CorpusFacts(retriever.passages.values())
        self.respond = Responder(self.signpost, self.composer.spell_out)
        self._published_contacts = self.facts.published_contacts  # the screening reads it (eval.tune_route too)
        self.vocabulary = self.facts.vocabulary  # the LLM verifier's word list
        names = understand.matcher.by_name if understand is not None else None
        self.router_stage = RouteStage(
            router, retriever.embed_query, self.respond, relevance, (lambda text: bool(names(text))) if names else None
        )
        self.relevance = relevance  # None: no question bank (unit tests of the answer stages)
        self.retrieve = Retrieve(retriever, expander, composer, self.facts, understand, top_k, relevance)
        self.writer = writer  # None: extractive answers only; read per question, so a copy may have its own
        self.pipeline = Pipeline(
            [
                Frame(self.respond, self.facts, expander, self.router_stage.settings.crisis_only_threshold),
                Direct(composer, retriever.passages, self.facts, self.respond),
                self.retrieve,
                Decide(composer, self.gate, self.facts, self.respond, retriever, answerability),
                Write(composer),
                Annotate(self.conflicts, self.respond),
            ]
        )

    @classmethod
    def from_defaults(
        cls,
        settings: Settings | None = None,
        embed_model=None,  # noqa: ANN001 - a llama-index embedding; the bundled MiniLM on ONNX Runtime by default
        questions_dir: Path | None = None,
    ) -> Bot:
        from loa.embedding import embed_model as onnx_embed_model
        from loa.store import IndexStore

        settings = settings or Settings.from_env()
        store = IndexStore.open(settings)
        collection, active = store.serving_collection()
        retriever = HybridRetriever(
            collection,
            embed_model or onnx_embed_model(settings),
            RetrievalSettings(),
            units=store.units_collection(active),
        )
        glossary = derive_glossary(p.text for p in retriever.passages.values())
        relevance = relevance_for(retriever, settings, questions_dir)
        if relevance is not None:
            retriever.use_relevance(relevance)
        bot = cls(
            retriever,
            ExtractiveComposer(retriever.passages, glossary),
            QueryExpander(glossary),
            top_k=settings.top_k,
            max_chars=settings.max_input_chars,
            router=router_for(retriever, settings),
            understand=understand_for(retriever, store, active, settings),
            answerability=AnswerabilityModel.load(),
            relevance=relevance,
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
        """Ranked passages for a question, in the order the answer reads them (the answer takes the first top_k)."""
        return self.retrieve.ranked(" ".join(question.split()), history or [])[3]

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
        return self.retrieve.run(question, history)

    def route(self, checked: Screening, history: list[Turn]) -> Route:
        return self.router_stage.route(checked, history)

    def screen_for_route(self, question: str) -> Screening:
        """The message as the route stage reads it: noise taken out (bot/routing/canonical.py), then screened,
        so an emoji or a closing 'pls' can't change what the screening or the classifier sees."""
        return screen(canonical(question), self.max_chars, self._published_contacts)

    def _answer(self, question: str, history: list[Turn], on_piece: Callable[[str], None] | None = None) -> Answer:
        checked = screen(question, self.max_chars, self._published_contacts)
        route = self.router_stage.route(self.screen_for_route(question), history)
        asked = Asked(question, history, checked, route, on_piece, writer=self.writer)
        answer = self.pipeline.run(asked)
        if asked.evidence is not None:  # what it was understood to ask, for the question log
            understood = asked.evidence.understood
            answer.intent = understood.intent.label if understood.intent else ""
            answer.service = understood.service.name if understood.service else ""
        return self.router_stage.finish(question, route, answer)

    @property
    def router_settings(self) -> RouteSettings:
        return self.router_stage.settings

    @property
    def router(self) -> Router | None:
        return self.router_stage.router
