"""Arranging chosen sentences (bot/arrange.py)."""

from __future__ import annotations

from bot.arrange import within_words
from bot.text import Unit


def test_within_words_keeps_the_best_sentence_and_two_list_items() -> None:
    best = Unit("The best sentence answers the question well.", False, 0, 1)
    lead = [Unit("An opening sentence of ten words that adds little here.", False, 0, 0), best]
    intro = Unit("It offers:", False, 0, 2)
    items = [Unit(f"item number {i} with some words", True, 0, 3 + i, lead_in=2) for i in range(6)]
    kept_lead, kept_items = within_words([*lead, intro], items, best, max_words=20)
    assert best in kept_lead and intro in kept_lead and len(kept_items) == 2
    assert within_words(lead, [], best, max_words=1000) == (lead, [])
