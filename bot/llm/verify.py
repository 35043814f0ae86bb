"""Checking a generated sentence against the sources it cites, before anyone sees it.

A sentence stands only if it cites a source, means what a sentence of its cited passages
means (embedding similarity), shares its content words with them (lexical overlap), and
every contact, figure, date and proper name in it is in those passages. Thresholds are
calibrated on the eval set: ``python -m eval.tune verify``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.answer import Passage
from bot.text import EMAIL, PHONE, STOPWORDS, URL, contacts, numbers, terms

_RULES = tomllib.loads((Path(__file__).parent.parent / "data" / "verify.toml").read_text(encoding="utf-8"))
NUMBER_WORDS: dict[str, str] = _RULES["number_words"]
DATE_WORDS = frozenset(_RULES["date_words"])
ALWAYS_ALLOWED = frozenset(w.lower() for w in _RULES["allowed_names"])
OPENERS = frozenset(_RULES["openers"])
NUMBER_UNITS = frozenset(_RULES["number_units"])
NUMBER_LEAD_INS = frozenset(_RULES["number_lead_ins"])

MARKER = re.compile(r"\[\s*(?:sources?\s*)?(\d+(?:\s*(?:,|and|-)\s*\d+)*)\s*\]", re.I)
_NAME = re.compile(r"\b[A-Z][\w’'&-]*[\w]|\b[A-Z]\b")
_WORD = re.compile(r"[A-Za-z]+")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class VerifySettings:
    # `python -m eval.tune verify`: on reference-answer sentences, 0.6 / 0.7 keeps 68% of those
    # citing the passage that holds their evidence and 6% of those citing a wrong retrieved passage
    min_similarity: float = 0.6  # cosine of the sentence to the best sentence of its cited passages
    min_overlap: float = 0.7  # share of the sentence's content words found in its cited passages


@dataclass
class Check:
    """The verdict on one generated sentence."""

    text: str  # the sentence without citation markers
    cited: list[int]  # source numbers it cites (1-based, as in the prompt)
    similarity: float = 0.0
    overlap: float = 0.0
    unsupported: list[str] = field(default_factory=list)  # contacts, figures, dates, names not in its sources
    best: tuple[str, int] | None = None  # (passage id, sentence position) that supports it best
    reason: str = ""  # why it was removed; empty when it stands

    @property
    def kept(self) -> bool:
        return not self.reason


def cited_numbers(sentence: str) -> list[int]:
    """'[1]', '[1, 3]', '[Source 2]', '[1-2]' -> source numbers in order of first mention."""
    found: list[int] = []
    for group in MARKER.findall(sentence):
        parts = [int(n) for n in re.findall(r"\d+", group)]
        if "-" in group and len(parts) == 2 and 0 < parts[1] - parts[0] < 10:
            parts = list(range(parts[0], parts[1] + 1))
        found += [n for n in parts if n not in found]
    return found


def strip_markers(sentence: str) -> str:
    text = MARKER.sub(" ", sentence)
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split())).strip()


def _word_in(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(word.lower())}(?![\w])", text) is not None


class Verifier:
    """Judges generated sentences against the numbered passages they cite."""

    def __init__(
        self,
        embed: Callable[[str], np.ndarray],
        unit_similarity: Callable[[np.ndarray, str], dict[int, float]],
        vocabulary: frozenset[str],
        config: VerifySettings | None = None,
        glossary: dict[str, str] | None = None,
    ) -> None:
        self.embed = embed
        self.unit_similarity = unit_similarity
        # ordinary words: those the corpus writes in lower case, function words, common openers
        self.vocabulary = vocabulary | OPENERS | STOPWORDS
        self.config = config or VerifySettings()
        # an acronym is supported by its long form too: 'EHC' by 'Education, Health and Care'
        self.long_forms = {k.lower(): " ".join(re.findall(r"[a-z]+", v.lower())) for k, v in (glossary or {}).items()}

    def check(self, sentence: str, sources: Sequence[Passage]) -> Check:
        text = strip_markers(sentence)
        numbers_cited = cited_numbers(sentence)
        result = Check(text, numbers_cited)
        if not numbers_cited or any(not 1 <= n <= len(sources) for n in numbers_cited):
            # removed whatever it says; what it invents (facts in no source at all) is recorded
            result.unsupported = self.unsupported_facts(text, sources)
            result.reason = "no citation" if not numbers_cited else "cites a source that does not exist"
            return result
        cited = [sources[n - 1] for n in numbers_cited]
        result.unsupported = self.unsupported_facts(text, cited)
        result.overlap = self.overlap(text, cited)
        result.similarity, result.best = self.similarity(text, cited)
        if result.unsupported:
            result.reason = f"not in its sources: {', '.join(result.unsupported)}"
        elif result.similarity < self.config.min_similarity or result.overlap < self.config.min_overlap:
            result.reason = "not supported by its sources"
        return result

    # -- the signals -------------------------------------------------------
    def similarity(self, text: str, cited: Sequence[Passage]) -> tuple[float, tuple[str, int] | None]:
        vector = self.embed(text)
        best, where = -1.0, None
        for passage in cited:
            for position, sim in self.unit_similarity(vector, passage.id).items():
                if sim > best:
                    best, where = sim, (passage.id, position)
        return max(best, 0.0), where

    @staticmethod
    def overlap(text: str, cited: Sequence[Passage]) -> float:
        words = set(terms(text))
        if not words:
            return 0.0
        source = set(terms(" ".join(f"{p.section} {p.text}" for p in cited)))
        return len(words & source) / len(words)

    def unsupported_facts(self, text: str, cited: Sequence[Passage]) -> list[str]:
        """Contacts, figures, dates and proper names the cited passages do not hold."""
        source = " ".join(f"{p.title} {p.section} {p.text}" for p in cited)
        flat = " ".join(source.split()).lower()
        source_contacts = contacts(source)
        wrong = [c for c in sorted(contacts(text)) if c not in source_contacts]
        scrubbed = PHONE.sub(" ", EMAIL.sub(" ", URL.sub(" ", text)))
        source_numbers = numbers(source)
        wrong += [n for n in sorted(numbers(scrubbed)) if n not in source_numbers]
        words = _WORD.findall(scrubbed)
        for before, word, after in zip(["", *words], words, [*words[1:], ""]):
            low = word.lower()
            is_figure = low in NUMBER_WORDS and (after.lower() in NUMBER_UNITS or before.lower() in NUMBER_LEAD_INS)
            number_missing = is_figure and NUMBER_WORDS[low] not in source_numbers
            if (number_missing or low in DATE_WORDS) and not _word_in(low, flat):
                wrong.append(word)
        words_only = f" {' '.join(re.findall(r'[a-z]+', flat))} "
        stems = set(terms(flat))
        for name in self.names(scrubbed):
            bare = _POSSESSIVE.sub("", name)
            bare = bare[:-1] if re.fullmatch(r"[A-Z]{2,}s", bare) else bare  # 'EHCPs' -> 'EHCP'
            long_form = self.long_forms.get(bare.lower())
            found = _word_in(bare, flat) or set(terms(bare)) <= stems and terms(bare)  # 'Psychologists'
            if not (found or (long_form and f" {long_form} " in words_only)):
                wrong.append(name)
        return list(dict.fromkeys(wrong))

    def names(self, text: str) -> list[str]:
        """Capitalised words and acronyms, except ordinary words that open a sentence or a list item."""
        found = []
        for match in _NAME.finditer(text):
            word = match.group(0)
            low = word.lower()
            if low in ALWAYS_ALLOWED or low in DATE_WORDS or low in NUMBER_WORDS:
                continue  # dates and number words have their own check
            opens = not text[: match.start()].strip() or text[: match.start()].rstrip()[-1:] in ".!?:-•*\n"
            if opens and not word.isupper() and low in self.vocabulary:
                continue
            found.append(word)
        return found
