"""The exemplar files: enough per route, no repeats, and nothing copied from the locked test split."""

from __future__ import annotations

import re
from collections import Counter

from bot.routing.exemplars import ROUTES, Exemplars
from eval.qa import TEST_FILE, load_qa


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_every_route_has_dozens_of_exemplars() -> None:
    counts = Counter(Exemplars.load().routes)
    assert set(counts) == set(ROUTES)
    assert all(n >= 40 for n in counts.values()), counts


def test_no_exemplar_is_repeated() -> None:
    texts = [" ".join(sorted(_words(t))) or t for t in Exemplars.load().texts]
    repeated = [t for t, n in Counter(texts).items() if n > 1]
    assert repeated == []


def test_no_exemplar_copies_a_test_question() -> None:
    """Exact copies (ignoring case and punctuation), and near copies: 60%+ of the words shared."""
    test = [_words(i.question) for i in load_qa(TEST_FILE)[0]]
    copies = []
    for text in Exemplars.load().texts:
        mine = _words(text)
        for theirs in test:
            union = mine | theirs
            if mine == theirs or (len(mine) >= 3 and len(mine & theirs) / len(union) >= 0.6):
                copies.append(text)
                break
    assert copies == []
