"""Small text helpers the composer and the checks share: terms, contacts, numbers."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from loa.units import EMAIL, PHONE, Unit, split_units  # noqa: F401  (re-exported for the bot)

URL = re.compile(r"(?:https?://|www\.)[^\s)]+|\b[\w-]+\.(?:gov|org|co)\.uk[^\s)]*", re.I)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
STOPWORDS = frozenset((Path(__file__).parent / "data" / "stopwords.txt").read_text(encoding="utf-8").split())


@lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202
    import Stemmer

    return Stemmer.Stemmer("english")


def terms(text: str) -> list[str]:
    """Stemmed content words."""
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower())]
    words = [w for w in words if w not in STOPWORDS and len(w) > 1]
    return _stemmer().stemWords(words)


def contacts(text: str) -> set[str]:
    """Emails and phone numbers, normalised (case, spaces) so they can be compared."""
    found = {e.lower().rstrip(".") for e in EMAIL.findall(text)}
    found |= {re.sub(r"\D", "", p) for p in PHONE.findall(text)}
    return found


def numbers(text: str) -> set[str]:
    """Figures in a text with thousands separators dropped: 2,041 and 2041 are one."""
    scrubbed = EMAIL.sub(" ", URL.sub(" ", text))
    return {n.replace(",", "").rstrip(".") for n in NUMBER.findall(scrubbed)}
