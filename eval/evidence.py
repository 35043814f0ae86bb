"""Locate the QA set's evidence quotes in the cleaned documents.

Quotes are compared with whitespace collapsed, so a quote survives cleaning
that only joined lines or removed stray bullets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"[•]")


@dataclass(frozen=True)
class Span:
    doc: str
    start: int
    end: int


class EvidenceLocator:
    """Maps quotes to character spans of the cleaned documents."""

    def __init__(self, cleaned: dict[str, str]) -> None:
        self._flat: dict[str, tuple[str, list[int]]] = {}
        for doc, text in cleaned.items():
            chars, offsets = [], []
            last_space = True
            for i, ch in enumerate(text):
                if ch.isspace() or ch == "•":
                    if not last_space:
                        chars.append(" ")
                        offsets.append(i)
                    last_space = True
                else:
                    chars.append(ch)
                    offsets.append(i)
                    last_space = False
            self._flat[doc] = ("".join(chars), offsets)

    def locate(self, doc: str, quote: str) -> Span | None:
        flat, offsets = self._flat.get(doc, ("", []))
        needle = " ".join(_BULLET.sub(" ", quote).split())
        at = flat.find(needle)
        if at < 0 or not needle:
            return None
        return Span(doc, offsets[at], offsets[at + len(needle) - 1] + 1)


def overlaps(span: Span, doc: str, start: int, end: int) -> bool:
    """A passage holds the evidence when it covers half the quote, or 80 characters of it."""
    if doc != span.doc:
        return False
    shared = min(span.end, end) - max(span.start, start)
    return shared > 0 and (shared >= 0.5 * (span.end - span.start) or shared >= 80)
