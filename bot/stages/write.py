"""The write stage (optional): an LLM rewrites the answer from the chosen passages, verified.

Each generated sentence must be supported by a cited passage (bot/llm/verify.py); exact details
(contacts, figures) the model dropped are quoted after it. When the model fails or writes nothing
that passes, the extractive answer stands, with a line saying so.
"""

from __future__ import annotations

from bot.answer import Answer
from bot.compose import ExtractiveComposer
from bot.context import Asked
from bot.llm.writer import missing_details
from bot.wording import MESSAGES


class Write:
    def __init__(self, composer: ExtractiveComposer) -> None:
        self.composer = composer

    def __call__(self, asked: Asked) -> Answer | None:
        """Uses ``asked.writer``, the bot's writer for this question (None: extractive answers only)."""
        if asked.writer is None or asked.composition is None or asked.evidence is None:
            return None
        evidence, composition = asked.evidence, asked.composition
        shown: list[str] = []

        def show(piece: str) -> None:
            if asked.on_piece is None:
                return
            if not shown:
                for line in asked.opening:
                    asked.on_piece(line)
            shown.append(piece)
            asked.on_piece(self.composer.spell_out(asked.opening + shown)[0][-1])

        question = asked.question
        prompt = question if evidence.context == evidence.question else f"{evidence.context} ({question})"
        written = asked.writer.write(prompt, evidence.passages, on_piece=show)
        asked.generation = written.report()
        if written.fallback:
            asked.notes.append("llm-fallback")
            asked.closing.insert(0, MESSAGES["llm_fallback"])
            return None
        exact = missing_details(written, composition.pieces, composition.citations)
        written.pieces += [MESSAGES["exact_details"], *exact] if exact else []
        asked.generation["quoted_details"] = len(exact)
        asked.pieces, asked.citations, asked.used, asked.path = written.pieces, written.citations, written.used, "llm"
        return None
