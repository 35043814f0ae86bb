"""Find where the documents disagree about what an answer says.

General, not a list of known cases: for each sentence in the answer, look for
the most similar sentences in *other* documents about the same team or topic.
A pair disagrees when both say something the other does not, and what differs
includes a fact: a number, a contact, or a named place or body. A published
and a draft passage that differ are shown as versions rather than a conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from bot.answer import Passage
from bot.text import EMAIL, PHONE, terms
from loa.units import split_units

_CAPITALISED = re.compile(r"\b(?!The\b)[A-Z][a-z]+(?:\s+(?:on|of|the|and)?\s*[A-Z][a-z]+)+")


@dataclass(frozen=True)
class Disagreement:
    ours: tuple[str, Passage]
    theirs: tuple[str, Passage]

    @property
    def is_version(self) -> bool:
        """A draft against a published text: wording that changed, not a contradiction."""
        return self.ours[1].is_draft != self.theirs[1].is_draft


def _facts(text: str, names: str = "") -> set[str]:
    """Numbers, contacts and named places or bodies; a team's own name is not a fact."""
    found = {re.sub(r"\D", "", p) for p in PHONE.findall(text)} | {e.lower() for e in EMAIL.findall(text)}
    found |= {m.lower() for m in _CAPITALISED.findall(text) if m.lower() not in names}
    scrubbed = PHONE.sub(" ", EMAIL.sub(" ", text))
    numbers = re.finditer(r"\d+(?:\.\d+)?\s*(?:%|days?|weeks?|hours?|years?|months?|places)?", scrubbed)
    return found | {m.group(0).strip() for m in numbers}


class ConflictFinder:
    def __init__(self, retriever, min_similarity: float = 0.75, max_pairs: int = 2) -> None:  # noqa: ANN001
        self.retriever = retriever
        self.min_similarity = min_similarity
        self.max_pairs = max_pairs
        # row of the unit matrix -> (chunk id, position)
        self.rows: list[tuple[str, int]] = [("", 0)] * len(retriever._unit_vectors)
        for chunk, positions in retriever._unit_rows.items():
            for position, row in positions.items():
                self.rows[row] = (chunk, position)
        self._texts: dict[str, dict[int, str]] = {}

    def _unit_text(self, chunk: str, position: int) -> str:
        if chunk not in self._texts:
            passage = self.retriever.passages[chunk]
            self._texts[chunk] = {u.position: u.text for u in split_units(passage.text, 0)}
        return self._texts[chunk].get(position, "")

    def find(self, used: list[tuple[str, int]]) -> list[Disagreement]:
        """Disagreements with the answer's sentences, given as (chunk id, position)."""
        found: list[Disagreement] = []
        seen: set[tuple[str, int]] = set()
        for chunk, position in used:
            row = self.retriever._unit_rows.get(chunk, {}).get(position)
            if row is None:
                continue
            ours = self.retriever.passages[chunk]
            text = self._unit_text(chunk, position)
            sims = self.retriever._unit_vectors @ self.retriever._unit_vectors[row]
            for other_row in np.argsort(-sims)[:20]:
                sim = float(sims[other_row])
                if sim < 0.5:
                    break
                other_chunk, other_position = self.rows[other_row]
                theirs = self.retriever.passages.get(other_chunk)
                if theirs is None or theirs.doc == ours.doc or (other_chunk, other_position) in seen:
                    continue
                same_team = bool(ours.team and theirs.team and _team(ours.team) == _team(theirs.team))
                other_text = self._unit_text(other_chunk, other_position)
                names = f"{ours.section} {theirs.section}".lower()
                if (sim >= (0.55 if same_team else self.min_similarity) and _disagree(text, other_text, names)) or (
                    _contact_conflict(text, other_text)
                ):
                    seen.add((other_chunk, other_position))
                    seen.add((chunk, position))
                    found.append(Disagreement((text, ours), (other_text, theirs)))
                    break
            if len(found) >= self.max_pairs:
                break
        return found


def _contact_conflict(a: str, b: str) -> bool:
    """The same service (named in its email or web address) with different phone numbers."""
    phones_a = {re.sub(r"\D", "", p) for p in PHONE.findall(a)}
    phones_b = {re.sub(r"\D", "", p) for p in PHONE.findall(b)}
    if not phones_a or not phones_b or phones_a & phones_b:
        return False
    return bool(_service_names(a) & _service_names(b))


def _service_names(text: str) -> set[str]:
    addresses = EMAIL.findall(text) + re.findall(r"(?:https?://|www\.)\S+", text)
    words = {w for address in addresses for w in re.findall(r"[a-z]{4,}", address.lower())}
    return words - {"leeds", "http", "https", "gov", "www", "org", "uk", "co"}


def _team(team: str) -> str:
    from bot.wording import team_key

    return team_key(team)


def _disagree(a: str, b: str, names: str = "") -> bool:
    """Same statement (most words shared), each side saying something the other doesn't, a fact differing."""
    facts_a, facts_b = _facts(a, names), _facts(b, names)
    if not facts_a ^ facts_b:
        return False
    words_a, words_b = set(terms(_without(a, facts_a))), set(terms(_without(b, facts_b)))
    if not words_a or not words_b:
        return False
    shared = len(words_a & words_b) / len(words_a | words_b)
    unique_a = (words_a - words_b) | (facts_a - facts_b)
    unique_b = (words_b - words_a) | (facts_b - facts_a)
    # facts on both sides differ ('3 days' / '2 days'): a shared frame is enough; when only one side
    # adds a fact, the rest must be nearly the same sentence ('... of the parent/carer' / '... of the referrer')
    if not (shared >= 0.4 and unique_a and unique_b):
        return False
    if (facts_a - facts_b) and (facts_b - facts_a):
        return True
    return SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.6


def _without(text: str, facts: set[str]) -> str:
    for fact in sorted(facts, key=len, reverse=True):
        text = re.sub(re.escape(fact), " ", text, flags=re.I)
    return PHONE.sub(" ", EMAIL.sub(" ", text))
