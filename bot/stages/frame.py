"""The frame stage: the routes that end in a fixed response, and the fixed lines around an answer.

Crisis (when sure), greetings, vague and non-English messages and out-of-scope questions end
here. Advice, injection and abuse add an opening line and go on; so does personal data, with a
closing line. A question that shares no word with the documents is declined.
"""

from __future__ import annotations

from bot.answer import Answer
from bot.context import Asked
from bot.facts import CorpusFacts
from bot.followup import read_in_context
from bot.query import QueryExpander
from bot.respond import Responder
from bot.wording import MESSAGES


class Frame:
    def __init__(self, respond: Responder, facts: CorpusFacts, expander: QueryExpander, crisis_only: float) -> None:
        self.respond = respond
        self.facts = facts
        self.expander = expander
        self.crisis_only = crisis_only  # P(crisis) at or above which the safety message stands alone

    def __call__(self, asked: Asked) -> Answer | None:
        question, checked, route, notes = asked.question, asked.checked, asked.route, asked.notes
        if checked.truncated:
            notes.append("truncated")
        if checked.personal:
            asked.closing.append(MESSAGES["personal"])
            notes.append("personal-data")
        if route.label == "crisis" and route.confidence >= self.crisis_only:
            return self.respond.crisis(question)
        if route.label in ("chitchat", "vague", "non_english"):
            return self.respond.reply(question, route, notes)
        if route.label == "out_of_scope":
            return self.respond.refuse(question, MESSAGES["off_topic"], notes=notes, kind="declined")
        if route.label == "injection" and route.by != "rule":
            self._open(asked, "abuse" if route.kind == "abuse" else "injection")
        checked.decision = checked.decision or route.label == "advice"
        for found, key in ((checked.injection, "injection"), (checked.abuse, "abuse")):
            if found:
                self._open(asked, key)
        if not checked.question.strip(" ?.!"):
            if asked.opening:
                return self.respond.refuse(
                    question, MESSAGES["off_topic"], opening=asked.opening, notes=notes, kind="declined"
                )
            return Answer(question, "Please type a question.", refused=True, kind="empty", notes=notes)
        context = read_in_context(checked.question, asked.history, self.facts.team_keys)
        if not self.facts.on_topic(context, self.expander.expansions(context)):
            return self.respond.refuse(question, MESSAGES["off_topic"], opening=asked.opening, notes=notes)
        return None

    @staticmethod
    def _open(asked: Asked, key: str) -> None:
        asked.opening.append(MESSAGES[key])
        asked.notes.append(key)
