"""A message as the route classifier reads it: the noise that never changes what a message asks, taken out.

Emoji and other pictographs, runs of punctuation ("!!" -> "!"), the punctuation that ends the message
except one question mark ("?!!!" -> "?", "!!!" -> "") and courtesy words at the end ("pls", "thanks",
bot/data/courtesy.txt) are removed, so
"my son is 2 and not talking, can someone visit us? 👍" is routed exactly as the question without the
emoji. It is lower-cased too: both classifiers read lower case anyway (the MiniLM tokenizer and TF-IDF),
and the screening before them (bot/guard.py) then finds the same things in "MY SON ..." as in "my son
...". The exemplars are read the same way when the classifier is trained.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

COURTESY_FILE = Path(__file__).resolve().parent.parent / "data" / "courtesy.txt"
_PUNCT_RUN = re.compile(r"([!?.,;:])[!?.,;:]+")  # inside a message; its end is read by canonical()
_NOISE_CATEGORIES = {"So", "Sk", "Cs", "Co", "Cn"}  # symbols (emoji), modifiers (skin tones), unassigned
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}  # emoji joiners and presentation selectors


@lru_cache(maxsize=1)
def _courtesy() -> re.Pattern[str]:
    lines = COURTESY_FILE.read_text(encoding="utf-8").splitlines()
    words = sorted({w.strip().lower() for w in lines if w.strip() and not w.startswith("#")}, key=len, reverse=True)
    phrases = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"(?:^|\s|,)\s*(?:{phrases})[\s,;:.!?]*$", re.I)


def _strip_symbols(text: str) -> str:
    return "".join(" " if ch in _JOINERS or unicodedata.category(ch) in _NOISE_CATEGORIES else ch for ch in text)


def canonical(text: str) -> str:
    """The message in lower case without emoji, repeated punctuation and closing courtesies."""
    text = " ".join(_strip_symbols(text).lower().split())
    text = _PUNCT_RUN.sub(r"\1", text)
    courtesy = _courtesy()
    while True:
        match = courtesy.search(text)
        if match is None or not text[: match.start()].strip(" ,;:.!?"):
            break  # nothing but courtesy left: keep it (that is a thank-you)
        text = text[: match.start()].rstrip(" ,")
    body = text.rstrip(" !?.,;:")
    return body + ("?" if "?" in text[len(body) :] else "") if body else text.strip()
