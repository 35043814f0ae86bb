"""Citations added after composing: disagreements between documents, draft labels, the corpus's own signposts."""

from __future__ import annotations

import re

from bot.answer import Citation, Passage
from bot.text import EMAIL, PHONE, split_units
from bot.wording import MESSAGES, team_key


def cite(citations: list[Citation], passage: Passage) -> int:
    """The passage's citation number, adding it to the list if it is new."""
    n = next((c.n for c in citations if c.chunk_id == passage.id), None)
    if n is None:
        n = len(citations) + 1
        citations.append(Citation.of(n, passage))
    return n


def render_disagreements(disagreements: list, citations: list[Citation]) -> list[str]:  # noqa: ANN001
    pieces: list[str] = []
    for d in disagreements:
        numbers = [(text, passage, cite(citations, passage)) for text, passage in (d.ours, d.theirs)]
        pieces.append(MESSAGES["version_intro"] if d.is_version else MESSAGES["conflict_intro"])
        pieces += [f"- {p.title} ({p.status_label}): {text} [{n}]" for text, p, n in numbers]
    return pieces


def draft_notes(citations: list[Citation]) -> list[str]:
    return [
        f"_[{c.n}] {MESSAGES['draft_note'].format(label=c.status_label)}_" for c in citations if c.status == "draft"
    ]


def published_first(passages: list[Passage]) -> list[Passage]:
    """When a draft and a published passage both match, the published one leads."""
    if not passages or not passages[0].is_draft:
        return passages
    best = passages[0]
    for i, p in enumerate(passages[1:4], start=1):
        if not p.is_draft and p.dense >= best.dense - 0.08:
            return [p] + passages[:i] + passages[i + 1 :]
    return passages


def team_names(passage: Passage) -> set[str]:
    """A passage's team, its parts and their acronyms, as team keys: 'pupil tuition', 'ptt', 'portage'."""
    names = {team_key(passage.team)} if passage.team else set()
    for part in passage.section.split("›")[1:2]:
        names.add(team_key(part))
        names |= {a.lower() for a in re.findall(r"\(\s*([A-Z][A-Za-z]*[A-Z])\s*\)", part)}
        names |= {w.lower() for w in re.findall(r"\b[A-Z]{3,}\b", part)}
    return {n for n in names if n}


def find_signpost(passages) -> tuple[list[str], Passage] | None:  # noqa: ANN001
    """SENDIASS, quoted from the corpus: the sentence naming it and its contact line. Published first."""
    candidates = []
    for p in passages:
        units = [u.text for u in split_units(p.text, 0)]
        contact = [t for t in units if "sendiass" in t.lower() and (EMAIL.search(t) or PHONE.search(t))]
        if not contact:
            continue
        naming = [t for t in units if "Information Advice" in t and t not in contact][:1]
        candidates.append((p.is_draft, naming + contact[:1], p))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], -len(c[1])))
    return candidates[0][1], candidates[0][2]
