"""The direct stage: questions answered, or declined, before any retrieval.

"What does QToD stand for?" is answered with the sentence that defines it. A place the
documents never name ("Roundhay School's SENCo") is declined: nothing in them is about it.
"""

from __future__ import annotations

from bot.answer import Answer, Passage
from bot.compose import ExtractiveComposer
from bot.context import Asked
from bot.facts import CorpusFacts
from bot.guard import named_places
from bot.respond import Responder
from bot.wording import MESSAGES, asked_acronym


class Direct:
    def __init__(
        self, composer: ExtractiveComposer, passages: dict[str, Passage], facts: CorpusFacts, respond: Responder
    ) -> None:
        self.composer = composer
        self.passages = passages
        self.facts = facts
        self.respond = respond

    def __call__(self, asked: Asked) -> Answer | None:
        text = asked.checked.question
        acronym = asked_acronym(text)
        defined = self.composer.definition(acronym, self.passages) if acronym else None
        if defined is not None:
            return self.respond.quoted(asked.question, [defined], asked.opening, asked.closing, asked.notes)
        unknown = [name for name in named_places(text) if not self.facts.known_name(name)]
        if unknown:
            reason = MESSAGES["unknown_place"].format(name=unknown[0])
            return self.respond.refuse(asked.question, reason, opening=asked.opening, notes=asked.notes)
        return None
