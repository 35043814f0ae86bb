"""The route stage: every message gets one label before anything else runs (bot/routing/router.py).

Beside the classifier, the injection and abuse rules of guard.toml decide too, since they also
strip what they matched; an insult inside a complaint about an answer stays a complaint. A message
the classifier finds vague or out of scope is a question after all when it names a service ("tell me
about portage") or is close to a question of the bank that the documents answer (bot/relevance/). After
the answer, a message that may be a crisis, though less surely, gets the safety message first.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bot.answer import Answer
from bot.context import Turn
from bot.guard import Screening
from bot.relevance.model import Relevance
from bot.respond import Responder
from bot.routing.router import Route, Router, RouteSettings


class RouteStage:
    def __init__(
        self,
        router: Router | None,
        embed: Callable[[str], np.ndarray],
        respond: Responder,
        relevance: Relevance | None = None,
        names_service: Callable[[str], bool] | None = None,
    ) -> None:
        self.router = router  # None: every message is treated as a question (unit tests of the answer stages)
        self.embed = embed
        self.respond = respond
        self.relevance = relevance
        self.names_service = names_service

    @property
    def settings(self) -> RouteSettings:
        return self.router.settings if self.router is not None else RouteSettings()

    def route(self, checked: Screening, history: list[Turn]) -> Route:
        """``checked``: the message as the route stage reads it (Bot.screen_for_route: canonical, then screened)."""
        if checked.injection:
            return Route("injection", 1.0, "instructions", by="rule")
        if self.router is None or not checked.question.strip(" ?.!"):
            return Route("injection", 1.0, "abuse", by="rule") if checked.abuse else Route("answer", 1.0, by="none")
        routed = self.router.route(checked.question, history, self.embed(checked.question))
        if checked.abuse and routed.label not in ("chitchat", "crisis"):
            return Route("injection", 1.0, "abuse", by="rule", scores=routed.scores)
        if routed.label in ("vague", "out_of_scope") and self._asks_about_the_documents(checked.question):
            return Route("answer", routed.scores.get("answer", 0.0), by="question bank", scores=routed.scores)
        return routed

    def _asks_about_the_documents(self, text: str) -> bool:
        """It names a service, or its nearest bank question is one the documents answer, and close."""
        if self.names_service is not None and len(text.split()) >= 3 and self.names_service(text):
            return True  # "tell me about portage"; a bare "portage?" stays vague, as the eval's writers judge it
        if self.relevance is None or not self.relevance.bank.entries:
            return False
        vote = self.relevance.bank.vote(self.embed(text))
        nearest = self.relevance.bank.entries[int(vote.neighbours[0])]
        return not nearest.negative and vote.top_similarity >= self.settings.bank_answers

    def finish(self, question: str, route: Route, answer: Answer) -> Answer:
        """Less sure it is a crisis: the safety message first, then the answer if there is one."""
        if route.label == "crisis" and answer.kind != "crisis":
            answer = self.respond.crisis(question) if answer.refused else self.respond.safety_first(answer)
        answer.route, answer.route_confidence = route.label, route.confidence
        return answer
