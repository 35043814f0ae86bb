"""The exemplar files: enough per route, no repeats, and nothing copied from the locked splits (test, real)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.routing.exemplars import ROUTES, Exemplars
from bot.understand.intent import INTENTS, INTENTS_DIR
from eval.copies import CopyCheck
from eval.qa import LOCKED, SPLITS, load_qa

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


@pytest.mark.parametrize("locked", LOCKED)
@pytest.mark.parametrize("load", BOTH)
def test_no_exemplar_copies_a_locked_question(load, locked: str) -> None:  # noqa: ANN001
    """Exact copies (ignoring case and punctuation), and near copies: 60%+ of the words shared (eval/copies.py)."""
    check = CopyCheck(i.question for i in load_qa(SPLITS[locked])[0])
    assert check.found(load().texts) == []


@pytest.mark.parametrize("locked", LOCKED)
def test_the_blind_route_messages_copy_no_locked_question(locked: str) -> None:
    """eval/route_blind.jsonl tunes the question-bank rule (python -m eval.tune route), so it is checked too."""
    from eval.tune_route import blind_messages

    check = CopyCheck(i.question for i in load_qa(SPLITS[locked])[0])
    assert check.found(text for text, _ in blind_messages()) == []
