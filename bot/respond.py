"""Responses that are not composed answers: the safety message, fixed replies, refusals and quotes.

Each ends the answer early. They share the signpost (the Leeds advice line, quoted
from the documents with its citation) and spell acronyms out the way answers do.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.answer import Answer, Citation, Passage
from bot.citing import cite, draft_notes
from bot.routing.replies import SUGGESTIONS, fixed_answer
from bot.routing.router import Route
from bot.wording import MESSAGES, join_pieces

SpellOut = Callable[[list[str]], tuple[list[str], dict[str, str]]]


class Responder:
    def __init__(self, signpost: tuple[list[str], Passage] | None, spell_out: SpellOut) -> None:
        self.signpost = signpost
        self.spell_out = spell_out

    def signpost_piece(self, citations: list[Citation]) -> str:
        if self.signpost is None:
            return ""
        n = cite(citations, self.signpost[1])
        return f"{MESSAGES['signpost']} " + " ".join(f"{text} [{n}]" for text in self.signpost[0])

    def crisis(self, question: str) -> Answer:
        """The fixed safety message, first and on its own, with the Leeds advice line quoted."""
        pieces = [MESSAGES["crisis"], MESSAGES["crisis_more"]]
        citations: list[Citation] = []
        if self.signpost:
            pieces.append(self.signpost_piece(citations))
        return Answer(
            question, "\n\n".join(pieces), citations=citations, kind="crisis", sentences=pieces, notes=["crisis"]
        )

    def safety_first(self, answer: Answer) -> Answer:
        """A message that may be a crisis, though less surely: the safety message first, then the answer,
        then the Leeds advice line (as the safety message on its own has it)."""
        signpost = [self.signpost_piece(answer.citations)] if self.signpost else []
        answer.sentences = [MESSAGES["crisis"], MESSAGES["crisis_also"], *answer.sentences, *signpost]
        answer.answer = join_pieces(answer.sentences)
        answer.kind, answer.refused = "crisis", False
        answer.notes = ["crisis", *answer.notes]
        return answer

    def reply(self, question: str, route: Route, notes: list[str]) -> Answer:
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
                pieces.append(self.signpost_piece(citations))
        if "personal-data" in notes:
            pieces.append(MESSAGES["personal"])
        return fixed_answer(
            question, pieces, citations, kind="reply", notes=[*notes, route.label], suggestions=suggestions
        )

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
            pieces.append(self.signpost_piece(citations))
        if "personal-data" in (notes or []):
            pieces.append(MESSAGES["personal"])
        return fixed_answer(question, pieces, citations, kind=kind, notes=notes or [], refused=refused)

    def quoted(
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
        pieces, expansions = self.spell_out(pieces)
        return Answer(
            question, join_pieces(pieces), citations=citations, expansions=expansions, sentences=pieces, notes=notes
        )
