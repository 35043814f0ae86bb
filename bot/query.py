"""Query understanding for families: acronyms both ways and plain-language phrases.

Two sources: a glossary derived from the corpus itself ("Special Educational
Needs Coordinator (SENCo)") and the curated phrase file data/phrases.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

PHRASES_FILE = Path(__file__).parent / "data" / "phrases.toml"

# An acronym has 2+ capitals and may mix in lowercase (SENCo, SpLD, EHCPs, QToD).
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*$")
_BRACKETED = re.compile(r"\(\s*(?:known as (?:an? )?)?([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\s*\)")
_ACR_THEN_LONG = re.compile(r"\b([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\s*(?:\(\s*([^()]{5,90})\)|–\s*([a-z][a-z ]{5,60}))")
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*|&")
_ORDINARY_WORDS = {"send", "said", "aims", "cops", "hens", "pets"}
_STOP = re.compile(r"[.:;•(\n]")


def _letters(acronym: str) -> list[str]:
    core = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
    return [ch.lower() for ch in core if ch.isupper()]


def _fits(acronym: str, words: list[str]) -> bool:
    """The acronym's capitals appear in order among the words' initials, the first first."""
    letters = _letters(acronym)
    initials = [w[0].lower() for w in words]
    if len(letters) < 2 or not initials or initials[0] != letters[0] or len(words) > len(letters) + 3:
        return False
    it = iter(initials)
    return all(any(ch == i for i in it) for ch in letters)


def _long_form_before(acronym: str, before: str) -> str | None:
    """The shortest run of words just before '(ACR)' that the acronym abbreviates."""
    tail = _STOP.split(before)[-1]
    words = _WORD.findall(tail)[-10:]
    for n in range(2, len(words) + 1):
        if _fits(acronym, words[-n:]):
            # as written in the corpus, commas included
            found = re.search(r"[\s,]+".join(map(re.escape, words[-n:])) + r"\s*$", tail)
            return found.group(0).strip() if found else " ".join(words[-n:])
    return None


def derive_glossary(texts: Iterable[str]) -> dict[str, str]:
    """Acronym -> expansion, from patterns in the corpus. The first clean match wins.

    'Special Educational Needs Coordinator (SENCo)', 'children and young people
    (CYP)', 'DAHIT ( Deaf and Hearing Impaired Team)', 'QToD – qualified teachers
    of the deaf', 'Individual Healthcare Plan (known as an IHP)'.
    """
    found: dict[str, list[str]] = {}
    for text in texts:
        flat = " ".join(text.split())
        for match in _BRACKETED.finditer(flat):
            acronym = match.group(1)
            long_form = _long_form_before(acronym, flat[max(0, match.start() - 200) : match.start()])
            if long_form:
                found.setdefault(acronym, []).append(long_form)
        for match in _ACR_THEN_LONG.finditer(flat):
            acronym, long_form = match.group(1), (match.group(2) or match.group(3) or "").strip(" ,")
            words = _WORD.findall(long_form)
            if _fits(acronym, words) and len(words) == len(long_form.split()):
                found.setdefault(acronym, []).append(long_form)
    # prefer the form written in capitals ('Elective Home Education'), then the shortest
    return {acr: min(forms, key=lambda f: (-_capitalised(f), len(f))) for acr, forms in found.items()}


def _capitalised(text: str) -> float:
    words = [w for w in _WORD.findall(text) if len(w) > 3]
    return sum(w[0].isupper() for w in words) / max(len(words), 1)


def load_phrases(path: Path = PHRASES_FILE) -> dict[str, str]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {key.lower(): value for key, value in data["phrases"].items()}


@dataclass
class QueryExpander:
    glossary: dict[str, str]
    phrases: dict[str, str] = field(default_factory=load_phrases)

    def __post_init__(self) -> None:
        self._by_long = {long.lower(): acr for acr, long in self.glossary.items()}
        self._acr_lower = {acr.lower(): acr for acr in self.glossary}
        self._phrase_patterns = [
            (re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", re.I), words)
            for phrase, words in self.phrases.items()
        ]

    def expansions(self, question: str) -> list[str]:
        """Extra words for the question: acronym <-> long form, and phrase mappings."""
        extra: list[str] = []
        for word in re.findall(r"[A-Za-z]{2,}", question):
            acr = self._acr_lower.get(word.lower())
            typed_as_acronym = word.isupper() or word == acr
            # 'ehcp' typed in lower case is the acronym; 'sat', 'hen' and 'send' are words
            if acr and (typed_as_acronym or (len(word) >= 4 and word.lower() not in _ORDINARY_WORDS)):
                extra.append(self.glossary[acr])
        lowered = question.lower()
        for long, acr in self._by_long.items():
            if long in lowered:
                extra.append(acr)
        for pattern, words in self._phrase_patterns:
            if pattern.search(question):
                extra.append(words)
        return extra

    def expand(self, question: str) -> str:
        extra = self.expansions(question)
        return question if not extra else f"{question} {' '.join(extra)}"
