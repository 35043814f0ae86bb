"""Arranging the chosen sentences: lead sentences in source order, then the list items they introduce."""

from __future__ import annotations

import re

from bot.answer import Passage
from bot.text import Unit, split_units


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def all_units(passages: list[Passage]) -> list[Unit]:
    return [u for i, p in enumerate(passages) for u in split_units(p.text, i)]


def arrange(chosen: list[Unit], units: dict[tuple[int, int], Unit], max_bullets: int) -> tuple[list[Unit], list[Unit]]:
    """Lead sentences in source order, then list items: a list comes with the sentence introducing it."""
    lead: list[Unit] = []
    bullets: list[Unit] = []
    for unit in chosen:
        head = unit.position if unit.text.endswith(":") else unit.lead_in
        if (
            head is not None
            and unit.text.endswith(":")
            and not any(u.lead_in == head for key, u in units.items() if key[0] == unit.passage)
        ):
            # '... states that:' introduces a quotation, not a list: bring what follows
            nxt = units.get((unit.passage, unit.position + 1))
            lead += [u for u in (unit, nxt) if u is not None and u not in lead]
            continue
        if head is not None:
            intro = units[(unit.passage, head)]
            items = [u for key, u in sorted(units.items()) if key[0] == unit.passage and u.lead_in == head]
            if intro not in lead:
                lead.append(intro)
            if unit.bullet and unit in items:
                items.remove(unit)
                items.insert(0, unit)
            bullets += [u for u in items if u not in bullets]
        elif unit.bullet:
            # a list with no sentence before it (a table row): its items come together
            siblings = [
                u for key, u in sorted(units.items()) if key[0] == unit.passage and u.bullet and u.lead_in is None
            ]
            bullets += [u for u in siblings if u not in bullets]
        elif unit not in lead:
            lead.append(unit)
    lead.sort(key=lambda u: (u.passage, u.position))
    return lead, source_order(bullets[:max_bullets])


def source_order(units: list[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: (u.passage, u.position))


def within_words(lead: list[Unit], bullets: list[Unit], keep: Unit, max_words: int) -> tuple[list[Unit], list[Unit]]:
    """At most ``max_words``: list items go from the end first (two stay under their lead-in), then
    lead sentences other than ``keep``, the best one, from the end."""

    def words() -> int:
        return sum(len(u.text.split()) for u in lead + bullets)

    lead, bullets = list(lead), list(bullets)
    while words() > max_words and len(bullets) > 2:
        bullets.pop()
    while words() > max_words and len(lead) > 1:
        drop = next((u for u in reversed(lead) if u is not keep and not u.text.endswith(":")), None)
        if drop is None:
            break
        lead.remove(drop)
    return lead, bullets


def once(lead: list[Unit], bullets: list[Unit]) -> tuple[list[Unit], list[Unit]]:
    """Each sentence quoted once: a sentence two pages both have (the Pupil Tuition Team's) keeps its first
    place; the composer cites both pages there (``holders``)."""
    seen: set[str] = set()

    def keep(unit: Unit) -> bool:
        key = norm(unit.text)
        fresh = key not in seen
        seen.add(key)
        return fresh

    return [u for u in lead if keep(u)], [u for u in bullets if keep(u)]


def holders(unit: Unit, passages: list[Passage]) -> list[Passage]:
    """The passage a unit is quoted from, then other documents' passages among these with the same sentence."""
    own = passages[unit.passage]
    key = norm(unit.text)
    others = [p for p in passages if p.doc != own.doc and any(norm(u.text) == key for u in split_units(p.text, 0))]
    return [own, *dict.fromkeys(others)]
