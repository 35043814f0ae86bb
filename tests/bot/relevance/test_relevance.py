"""The relevance parts on a small made-up index: units, the bank's vote, the selector and its cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.relevance.bank import BankIndex, BankSettings
from bot.relevance.selector import SelectorSettings, SentenceSelector
from bot.relevance.units import Unit, UnitTable
from loa.questions import Answer, BankEntry

TOPICS = ("portage", "tuition", "deaf", "exclusion")
DOC = "doc.txt"


def unit_vector(seed: int, topic: int, noise: float = 0.3) -> np.ndarray:
    """A vector near its topic's axis: same-topic texts are close, others far."""
    rng = np.random.default_rng(seed)
    v = np.zeros(16, np.float32)
    v[topic] = 1.0
    v += noise * rng.standard_normal(16).astype(np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture
def table() -> UnitTable:
    units, vectors = [], []
    for t, topic in enumerate(TOPICS):
        for k in range(3):
            units.append(Unit(f"c{t}", k, f"The {topic} team sentence {k} about {topic}.", DOC, f"S › {topic}", False))
            vectors.append(unit_vector(10 * t + k, t))
    vectors = np.stack(vectors)
    return UnitTable(units, vectors, vectors.copy(), aliases={("copy", 0): 0})


def entries(table: UnitTable) -> tuple[list[BankEntry], np.ndarray]:
    """Two writers each ask about every topic's first sentence; one hard negative."""
    out, vectors = [], []
    for w, writer in enumerate(("A", "B")):
        for t, topic in enumerate(TOPICS):
            answer = table.units[3 * t]
            out.append(
                BankEntry(
                    f"{writer}{t}",
                    f"what about {topic}?",
                    (Answer(DOC, answer.section, answer.text),),
                    written_by=writer,
                )
            )
            vectors.append(unit_vector(100 + 10 * w + t, t, noise=0.2))
    out.append(BankEntry("N", "how long is the wait?", (), near=Answer(DOC, "S › portage", ""), written_by="A"))
    vectors.append(unit_vector(999, 15, noise=0.1))
    return out, np.stack(vectors)


def test_units_are_found_by_text_and_place(table: UnitTable) -> None:
    assert table.by_text[(DOC, "the portage team sentence 0 about portage")] == [0]
    assert table.by_place[("copy", 0)] == 0 and table.by_place[("c1", 2)] == 5
    words, section = table.lexical("deaf team")
    assert words.argmax() in (6, 7, 8) and section[6] > 0


def test_the_nearest_bank_questions_vote_for_their_sentences(table: UnitTable) -> None:
    bank_entries, vectors = entries(table)
    bank = BankIndex(bank_entries, vectors, table, BankSettings(neighbours=4))
    vote = bank.vote(unit_vector(5, 2, noise=0.1))  # a question about the deaf team
    assert vote.scores.argmax() == 6 and vote.scores.max() == 1.0
    assert vote.best[6] > 0.5 and vote.negative_share == 0.0
    near_negative = bank.vote(unit_vector(6, 15, noise=0.05))
    assert near_negative.negative_share > 0
    excluded = bank.vote(unit_vector(5, 2, noise=0.1), exclude=np.array([e.written_by == "A" for e in bank_entries]))
    assert bank.entries[excluded.neighbours[0]].written_by == "B"


def test_the_selector_learns_from_the_bank_and_is_cached(table: UnitTable, tmp_path: Path) -> None:
    bank_entries, vectors = entries(table)
    bank = BankIndex(bank_entries, vectors, table, BankSettings(neighbours=4))
    settings = SelectorSettings(by_meaning=6, by_vote=3)
    selector = SentenceSelector.cached(table, bank, tmp_path, "k1", settings)
    scored = selector.score("what about tuition?", unit_vector(7, 1, noise=0.1))
    best = int(scored.candidates[int(np.argmax(scored.probability))])
    assert best == 3  # the tuition sentence the bank questions were written for
    assert list(tmp_path.glob("selector-*.pkl"))
    again = SentenceSelector.cached(table, bank, tmp_path, "k1", settings)
    assert np.allclose(again.score("what about tuition?", unit_vector(7, 1, 0.1)).probability, scored.probability)


def test_a_bank_that_links_nothing_trains_no_selector(table: UnitTable) -> None:
    negative = [BankEntry("N", "how long is the wait?", (), near=Answer(DOC, "S", ""))]
    bank = BankIndex(negative, unit_vector(1, 15)[None, :], table)
    with pytest.raises(ValueError, match="links no sentence"):
        SentenceSelector.train(table, bank)
