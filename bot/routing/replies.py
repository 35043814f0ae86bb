"""Data and one helper for the replies that are not answers: the questions offered when a message is
too vague, and the Answer a fixed reply (a refusal, a greeting, a clarifying question) becomes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.answer import Answer, Citation

SUGGESTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "suggestions.txt"
SUGGESTIONS = tuple(line.strip() for line in SUGGESTIONS_FILE.read_text(encoding="utf-8").splitlines() if line.strip())


def fixed_answer(
    question: str,
    pieces: list[str],
    citations: list[Citation],
    *,
    kind: str,
    notes: Sequence[str],
    refused: bool = True,
    suggestions: Sequence[str] = (),
) -> Answer:
    """Fixed texts (and any quoted signpost) as an Answer, one piece a paragraph."""
    return Answer(
        question,
        "\n\n".join(pieces),
        refused=refused,
        citations=citations,
        kind=kind,
        sentences=pieces,
        notes=list(notes),
        suggestions=list(suggestions),
    )
