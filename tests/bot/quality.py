"""Helpers shared by the quality tests (tests/bot/test_quality*.py): what a good answer shows."""

from __future__ import annotations

import re

from bot.answer import Answer

SENDIASS_PHONE = "0113 3951200"


def is_sendiass(citation) -> bool:  # noqa: ANN001
    text = citation.text.lower()
    return "sendiass" in text and SENDIASS_PHONE in " ".join(citation.text.split())


def assert_markers_cited(answer: Answer) -> None:
    used = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert used == {c.n for c in answer.citations}
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
