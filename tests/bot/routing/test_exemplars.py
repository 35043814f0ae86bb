"""The exemplar files: enough per route, no repeats, and nothing copied from the locked test split."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.routing.exemplars import ROUTES, Exemplars
from bot.understand.intent import INTENTS, INTENTS_DIR
from eval.qa import TEST_FILE, load_qa

BOTH = [Exemplars.load, lambda: Exemplars.load(INTENTS_DIR, INTENTS)]  # the route and the intent classifiers


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


@pytest.mark.parametrize(("labels", "load"), [(ROUTES, BOTH[0]), (INTENTS, BOTH[1])])
def test_every_label_has_dozens_of_exemplars(labels: tuple[str, ...], load) -> None:  # noqa: ANN001
    counts = Counter(load().routes)
    assert set(counts) == set(labels)
    assert all(n >= 40 for n in counts.values()), counts


@pytest.mark.parametrize("load", BOTH)
def test_no_exemplar_is_repeated(load) -> None:  # noqa: ANN001
    texts = [" ".join(sorted(_words(t))) or t for t in load().texts]
    repeated = [t for t, n in Counter(texts).items() if n > 1]
    assert repeated == []


@pytest.mark.parametrize("load", BOTH)
def test_no_exemplar_copies_a_test_question(load) -> None:  # noqa: ANN001
    """Exact copies (ignoring case and punctuation), and near copies: 60%+ of the words shared."""
    test = [_words(i.question) for i in load_qa(TEST_FILE)[0]]
    copies = []
    for text in load().texts:
        mine = _words(text)
        for theirs in test:
            union = mine | theirs
            if mine == theirs or (len(mine) >= 3 and len(mine & theirs) / len(union) >= 0.6):
                copies.append(text)
                break
    assert copies == []
