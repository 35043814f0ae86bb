"""Two lookups of the composer's beside composing an answer: an acronym's defining sentence, and a
published sentence with the draft's version of it (for "what changed between the draft and the strategy?")."""

from __future__ import annotations

from bot.answer import Passage
from bot.text import split_units


class Lookups:
    """Mixed into ExtractiveComposer, whose glossary, sentence scoring and sentence vectors they read."""

    def definition(self, acronym: str, passages: dict[str, Passage]) -> tuple[str, Passage] | None:
        """The corpus sentence that defines an acronym, published sources first."""
        long_form = self.glossary.get(acronym)
        if not long_form:
            return None
        for passage in sorted(passages.values(), key=lambda p: (p.is_draft, p.doc, p.start)):
            for unit in split_units(passage.text, 0):
                flat = " ".join(unit.text.split())
                if acronym in flat and long_form.lower() in flat.lower():
                    return flat, passage
        return None

    def best_per_version(
        self, question: str, expanded: str, passages: list[Passage], unit_sims: list[dict[int, float]]
    ) -> list[tuple[str, Passage]]:
        """A published sentence and the draft's version of it: both match the question and each other."""
        scored = self.score_units(question, expanded, passages, unit_sims)
        published = [s for s in scored if not passages[s[2].passage].is_draft][:6]
        draft = [s for s in scored if passages[s[2].passage].is_draft][:6]
        if not published or not draft or self.unit_vector is None:
            return []
        best = max(
            ((p, d) for p in published for d in draft),
            key=lambda pd: (
                pd[0][0]
                + pd[1][0]
                + 0.5
                * self.unit_vector(passages[pd[0][2].passage].id, pd[0][2].position)
                @ self.unit_vector(passages[pd[1][2].passage].id, pd[1][2].position)
            ),
        )
        return [(u.text, passages[u.passage]) for _, _, u in best]
