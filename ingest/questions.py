"""The question bank against the documents as ingested: which entries are stale, and coverage by section.

An entry is stale when a sentence it links is no longer in its document's section (the document
changed): it needs a writer to check it. Coverage shows, per section, how many bank questions it
answers, how many hard negatives sit near it, and how many of its sentences some question links:
``python -m ingest --questions`` prints it for staff, and every ingest says how many entries are stale.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ingest.chunk import CleanDocument
from loa.questions import BankEntry, QuestionBank, norm
from loa.units import split_units


@dataclass
class Coverage:
    sections: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (doc, section) -> its sentences
    answered: Counter = field(default_factory=Counter)  # (doc, section) -> questions it answers
    negatives: Counter = field(default_factory=Counter)  # (doc, section) -> hard negatives near it
    linked: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    stale: list[BankEntry] = field(default_factory=list)
    entries: int = 0

    def summary(self) -> str:
        return f"question bank: {self.entries} entries, {len(self.stale)} stale"


def sentences_by_section(docs: list[CleanDocument]) -> dict[tuple[str, str], set[str]]:
    """Every sentence and list item of each (document, section), as the bank links them."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for doc in docs:
        for chunk in doc.chunks:
            found[(chunk.doc, chunk.section)].update(norm(u.text) for u in split_units(chunk.text, 0))
    return dict(found)


def check(bank: QuestionBank, docs: list[CleanDocument]) -> Coverage:
    coverage = Coverage(sentences_by_section(docs), entries=len(bank.entries))
    for entry in bank.entries:
        if entry.negative:
            coverage.negatives[(entry.near.doc, entry.near.section)] += 1  # type: ignore[union-attr]
            continue
        places = set()
        for answer in entry.answers:
            place = (answer.doc, answer.section)
            if norm(answer.text) not in coverage.sections.get(place, set()):
                coverage.stale.append(entry)
                break
            places.add(place)
            coverage.linked[place].add(norm(answer.text))
        for place in places:
            coverage.answered[place] += 1
    return coverage


def describe(coverage: Coverage) -> str:
    """Coverage by section, then the stale entries: a table staff and writers can read."""
    lines = [coverage.summary(), "", "questions  negatives  sentences linked  section"]
    for place in sorted(coverage.sections):
        total = len(coverage.sections[place])
        linked = len(coverage.linked.get(place, ()))
        doc, section = place
        lines.append(
            f"{coverage.answered[place]:>9}  {coverage.negatives[place]:>9}  {linked:>7} of {total:<6}  "
            f"{doc.rsplit('.', 1)[0]}: {section}"
        )
    if coverage.stale:
        lines += ["", "Stale entries (a sentence they link is no longer in its section):"]
        lines += [f"  {e.id}: {e.question[:90]}" for e in coverage.stale]
    return "\n".join(lines)
