"""The copy check: data the bot learns from must not hold a locked split's questions, or near copies of them.

A text is a copy of a question when both have the same words (ignoring case and punctuation), or when,
having three words or more, it shares 60% or more of the two texts' words (Jaccard). Route and intent
exemplars and the question bank are checked against the test and real splits (tests/eval/test_copies.py),
and the bank's build drops any entry this finds (corpus/questions/).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NEAR = 0.6


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


class CopyCheck:
    """Finds the texts that copy any of the given questions; an inverted index keeps it quick."""

    def __init__(self, questions: Iterable[str]) -> None:
        self.questions = [words(q) for q in questions]
        self.index: dict[str, list[int]] = {}
        for i, q in enumerate(self.questions):
            for w in q:
                self.index.setdefault(w, []).append(i)

    def copies(self, text: str) -> bool:
        mine = words(text)
        shared: dict[int, int] = {}
        for w in mine:
            for i in self.index.get(w, ()):
                shared[i] = shared.get(i, 0) + 1
        for i, n in shared.items():
            theirs = self.questions[i]
            if mine == theirs or (len(mine) >= 3 and n / len(mine | theirs) >= NEAR):
                return True
        return False

    def found(self, texts: Iterable[str]) -> list[str]:
        return [t for t in texts if self.copies(t)]
