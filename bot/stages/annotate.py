"""The annotate stage: what a reader needs beside the answer, then the Answer itself.

Where the documents disagree (two pages on one team, the draft and the published strategy),
both are shown; a draft source gets a note; a decision question ends with the advice line.
Acronyms are spelt out the first time they appear.
"""

from __future__ import annotations

from bot.answer import Answer
from bot.citing import draft_notes, render_disagreements
from bot.conflicts import ConflictFinder
from bot.context import Asked
from bot.respond import Responder
from bot.wording import join_pieces


class Annotate:
    def __init__(self, conflicts: ConflictFinder, respond: Responder) -> None:
        self.conflicts = conflicts
        self.respond = respond

    def __call__(self, asked: Asked) -> Answer:
        pieces, citations = list(asked.pieces), asked.citations
        disagreements = self.conflicts.find(asked.used)
        if disagreements:
            asked.notes.append("conflict" if any(not d.is_version for d in disagreements) else "versions")
            pieces += render_disagreements(disagreements, citations)
        pieces += asked.gaps + draft_notes(citations)
        if (asked.checked.decision or "half-answered" in asked.notes) and self.respond.signpost:
            pieces.append(self.respond.signpost_piece(citations))
        pieces, expansions = self.respond.spell_out(asked.opening + pieces + asked.closing)
        return Answer(
            asked.question,
            join_pieces(pieces),
            citations=citations,
            expansions=expansions,
            sentences=pieces,
            kind="decision" if asked.checked.decision else "answer",
            notes=asked.notes,
            path=asked.path,
            generation=asked.generation,
        )
