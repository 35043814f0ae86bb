"""Compose a short answer from the corpus's own sentences, each with a citation.

Sentences are quoted whole, never reworded. The lead is the sentence that best
answers the question (by meaning, words and the passage's rank); a list it
introduces comes as bullets; for who/how/where questions a contact line
follows, quoted exactly as written. Acronyms are spelt out the first time they
appear, from the corpus glossary.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from bot.answer import Citation, Passage
from bot.arrange import all_units, arrange, holders, norm, once, within_words
from bot.citing import cite
from bot.compose_lookups import Lookups
from bot.text import EMAIL, PHONE, Unit, contacts, split_units, terms
from bot.wording import MESSAGES, PATTERNS, as_item, contact_intent, join_pieces, question_parts, team_key

_HAS_FIGURE = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|half|quarter|third)\b", re.I)
_TESTIMONIAL = re.compile(r"^[“\"']|what people say|^(my|i|i'm|i’m|i've|i’ve|we've|we’ve) ", re.I)


@dataclass(frozen=True)
class ComposeSettings:
    # chosen with `python -m eval.tune answers` (eval/README.md)
    max_lead: int = 4  # sentences in the opening
    max_bullets: int = 8
    follow_ratio: float = 0.65  # a further lead sentence must score this share of the first
    next_ratio: float = 0.55  # ... or this share, when it follows the lead in the same passage
    # with the question bank's selector mixed in, scores spread more: both ratios are this (eval.tune relevance)
    relevance_ratio: float = 0.4
    w_unit: float = 0.4  # meaning: the sentence's own similarity to the question
    w_lexical: float = 0.3  # words shared with the question (and its expansions)
    w_passage: float = 0.3  # the passage's similarity and rank
    min_chars: int = 30  # shorter units only answer when they hold a contact
    # the question bank's sentence selector (bot/relevance/), mixed in where the bot has one (fitted on dev)
    w_relevance: float = 0.3
    # a cap on an answer's words before its contact lines; 0 is none. 120 cost 2.2 points of key facts on
    # dev (62.4% -> 60.2%, long lists lose items) while the median stays at 94-96 words: off
    max_words: int = 0


@dataclass
class Composition:
    text: str
    pieces: list[str]  # streamable: one sentence or list item each
    citations: list[Citation]
    expansions: dict[str, str] = field(default_factory=dict)
    lead_score: float = 0.0
    lead_similarity: float = 0.0
    used: list[tuple[str, int]] = field(default_factory=list)  # (chunk id, unit position) quoted
    no_contact: bool = False  # a contact was asked for and none was found


class ExtractiveComposer(Lookups):
    def __init__(
        self,
        all_passages: dict[str, Passage],
        glossary: dict[str, str],
        config: ComposeSettings | None = None,
    ) -> None:
        self.config = config or ComposeSettings()
        self.glossary = glossary
        self.unit_vector = None  # (chunk id, position) -> vector; set by the Bot when sentence vectors exist
        self.by_team: dict[str, list[Passage]] = {}
        for p in sorted(all_passages.values(), key=lambda p: (p.is_draft, p.doc, p.start)):
            if p.team:
                self.by_team.setdefault(team_key(p.team), []).append(p)
        # the chunk that follows each chunk in the same section: a list may start there
        self.following: dict[str, Passage] = {}
        in_order = sorted(all_passages.values(), key=lambda p: (p.doc, p.start))
        for before, after in zip(in_order, in_order[1:]):
            if before.doc == after.doc and before.section == after.section:
                self.following[before.id] = after
        docs = [set(terms(p.section + " " + p.text)) for p in all_passages.values()]
        counts = Counter(t for d in docs for t in d)
        n = max(len(docs), 1)
        self.idf = {t: math.log(1 + n / c) for t, c in counts.items()}
        # a word the documents never use ('leo', 'im') tells little about whether they answer: median weight
        self._default_idf = sorted(self.idf.values())[len(self.idf) // 2] if self.idf else 1.0

    # -- scoring -----------------------------------------------------------
    def _weights(self, question: str, expanded: str) -> dict[str, float]:
        weights = {t: self.idf.get(t, self._default_idf) for t in terms(question)}
        for t in terms(expanded):
            weights.setdefault(t, 0.5 * self.idf.get(t, self._default_idf))
        return weights

    @staticmethod
    def _lexical(text: str, weights: dict[str, float]) -> float:
        if not weights:
            return 0.0
        present = set(terms(text))
        return sum(w for t, w in weights.items() if t in present) / sum(weights.values())

    def coverage(self, question: str, passages: list[Passage]) -> float:
        """How much of the question's weight a top passage covers (for the refusal gate)."""
        weights = self._weights(question, question)
        if not weights or not passages:
            return 0.0
        return max(self._lexical(p.section + " " + p.text, weights) for p in passages[:3])

    def score_units(
        self,
        question: str,
        expanded: str,
        passages: list[Passage],
        unit_sims: list[dict[int, float]],
        relevance: dict[tuple[str, int], float] | None = None,
    ) -> list[tuple[float, float, Unit]]:
        """(score, similarity, unit) for every unit of the passages, best first.

        ``relevance``: the sentence selector's probability for each candidate (chunk id, position); a unit
        it did not consider counts as 0 there."""
        c = self.config
        weights = self._weights(question, expanded)
        quantity = bool(PATTERNS["quantity"].search(question))
        quoted_contacts = contacts(question)  # 'is 0113 3782888 the right number ...?'
        views = bool(PATTERNS["asks_views"].search(question))  # families' comments may be quoted as such
        scored = []
        for i, passage in enumerate(passages):
            section_match = self._lexical(passage.section, weights)
            passage_score = 0.7 * max(passage.dense, 0.0) + 0.3 / (1 + i)
            testimonial_section = bool(_TESTIMONIAL.search(passage.section.rsplit("›", 1)[-1].strip()))
            sims = unit_sims[i] if i < len(unit_sims) else {}
            for unit in split_units(passage.text, i):
                if PATTERNS["link_line"].search(unit.text) or (unit.position in passage.comments and not views):
                    continue  # a link points somewhere; a family's comment is not a fact about a service
                sim = sims.get(unit.position, passage.dense)
                lexical = 0.8 * self._lexical(unit.text, weights) + 0.2 * section_match
                score = c.w_unit * max(sim, 0.0) + c.w_lexical * lexical + c.w_passage * passage_score
                if relevance is not None:
                    chosen = relevance.get((passage.id, unit.position), 0.0)
                    score = (1 - c.w_relevance) * score + c.w_relevance * chosen
                if len(unit.text) < c.min_chars:
                    score *= 0.3  # fragments, and bare 'Phone: ...' lines: the contact line gives those with their team
                if testimonial_section or _TESTIMONIAL.search(unit.text):
                    score *= 0.5  # what people say is not what the service does
                if unit.text.endswith("?"):
                    score *= 0.6  # a question in the text rarely answers one
                if quantity and _HAS_FIGURE.search(unit.text):
                    score *= 1.15  # 'how many ...?' wants a figure
                if quoted_contacts and quoted_contacts & contacts(unit.text):
                    score *= 1.3  # the line holding the number or email the question quotes
                scored.append((score, sim, unit))
        scored.sort(key=lambda s: -s[0])
        return scored

    # -- composing ---------------------------------------------------------
    def compose(
        self,
        question: str,
        expanded: str,
        passages: list[Passage],
        unit_sims: list[dict[int, float]],
        wants_contact: bool = False,
        relevance: dict[tuple[str, int], float] | None = None,
    ) -> Composition:
        c = self.config
        scored = self.score_units(question, expanded, passages, unit_sims, relevance)
        if not scored:
            return Composition("", [], [])
        units = {(u.passage, u.position): u for u in all_units(passages)}
        best_score, best_sim, best = scored[0]
        chosen = [best]
        seen = {norm(best.text)}
        for score, _, unit in scored[1:]:
            if len(chosen) >= c.max_lead:
                break
            if norm(unit.text) in seen:
                continue  # the same sentence on the other page
            follows = unit.passage == best.passage and 0 < unit.position - best.position <= 2
            follow, after = (c.relevance_ratio,) * 2 if relevance is not None else (c.follow_ratio, c.next_ratio)
            good_enough = score >= follow * best_score or (follows and score >= after * best_score)
            if good_enough and (unit.passage == best.passage or (unit.passage <= 1 and not unit.bullet)):
                chosen.append(unit)
                seen.add(norm(unit.text))
        for part in question_parts(question)[1:] if len(question_parts(question)) > 1 else []:
            weights = self._weights(part, part)
            best_part = max(
                (s for s in scored if s[2] not in chosen),
                key=lambda s: self._lexical(s[2].text, weights) + 0.5 * s[0],
                default=None,
            )
            if best_part is not None and self._lexical(best_part[2].text, weights) >= 0.4:
                chosen.append(best_part[2])
        lead, bullets = once(*arrange(chosen, units, c.max_bullets))
        passages, bullets = self._continue_lists(lead, bullets, passages)
        if c.max_words:
            lead, bullets = within_words(lead, bullets, best, c.max_words)
        # a sentence introducing the list goes last, right above its items
        lead.sort(key=lambda u: u.text.endswith(":") and bool(bullets))

        citations: list[Citation] = []

        pieces: list[str] = []
        if lead:
            pieces.append(" ".join(f"{u.text} {_marks(u, passages, citations)}" for u in lead))
        pieces += [f"{as_item(u.text)} {_marks(u, passages, citations)}" for u in bullets]
        if wants_contact or contact_intent(question):
            pieces += self._contact_piece(passages, passages[best.passage], lead + bullets, citations)
        used = [(passages[u.passage].id, u.position) for u in lead + bullets]
        no_contact = MESSAGES["no_contact"] in pieces
        return Composition(join_pieces(pieces), pieces, citations, {}, best_score, best_sim, used, no_contact)

    def _contact_piece(
        self, passages: list[Passage], lead: Passage, quoted: list[Unit], citations: list[Citation]
    ) -> list[str]:
        """Who/how/where: the lead team's contact lines, unless the answer quotes them already."""
        if any(
            (EMAIL.search(u.text) or PHONE.search(u.text)) and passages[u.passage].team == lead.team for u in quoted
        ):
            return []
        found = self.team_contacts(lead, passages)
        if not found:
            return [MESSAGES["no_contact"]]
        line = " ".join(f"{text} [{cite(citations, p)}]" for text, p in found)
        team = found[0][1].team
        return [f"{MESSAGES['contact_team'].format(team=team) if team else MESSAGES['contact_lead']} {line}"]

    def _continue_lists(
        self, lead: list[Unit], bullets: list[Unit], passages: list[Passage]
    ) -> tuple[list[Passage], list[Unit]]:
        """A sentence ending in ':' whose list was cut into the next chunk gets that list."""
        for unit in lead:
            own = split_units(passages[unit.passage].text, unit.passage)
            if not unit.text.endswith(":") or unit.position != own[-1].position:
                continue
            if any(b.passage == unit.passage and b.lead_in == unit.position for b in bullets):
                continue
            nxt = self.following.get(passages[unit.passage].id)
            if nxt is None:
                continue
            passages = [*passages, nxt]
            index = len(passages) - 1
            items: list[Unit] = []
            for u in split_units(nxt.text, index):
                if not (u.bullet or u.text[:2].rstrip(".").isdigit()):
                    break
                items.append(u)
            bullets = bullets + items[: self.config.max_bullets]
        return passages, bullets

    def team_contacts(self, lead: Passage, passages: list[Passage]) -> list[tuple[str, Passage]]:
        """Email and phone lines for the lead passage's team: the same page first, then the team elsewhere."""
        if lead.team:
            same_team = self.by_team.get(team_key(lead.team), [])
            ordered = [lead] + [p for p in same_team if p.doc == lead.doc and p.id != lead.id]
            ordered += [p for p in same_team if p.doc != lead.doc]
        else:
            ordered = [lead] + [p for p in passages if p.section == lead.section and p.id != lead.id]
        for passage in ordered:
            found = [u.text for u in split_units(passage.text, 0) if EMAIL.search(u.text) or PHONE.search(u.text)]
            if found:
                return [(text, passage) for text in dict.fromkeys(found)][:3]
        return []

    def spell_out(self, pieces: list[str]) -> tuple[list[str], dict[str, str]]:
        """'SENCo' -> 'SENCo (Special Educational Needs Coordinator)', once per answer."""
        expansions: dict[str, str] = {}
        text_so_far = ""
        out = []
        for piece in pieces:
            for acronym, long_form in self.glossary.items():
                if acronym in expansions:
                    continue
                # not inside an email, web address or an existing bracket
                pattern = re.compile(rf"(?<![\w(@./-]){re.escape(acronym)}(?![\w)@/-])(?!\.\w)(?!\s*\()")
                if pattern.search(piece) and long_form.lower() not in (text_so_far + piece).lower():
                    piece = pattern.sub(lambda m, lf=long_form: f"{m.group(0)} ({lf})", piece, count=1)
                    expansions[acronym] = long_form
            text_so_far += piece
            out.append(piece)
        return out, expansions


def _marks(unit: Unit, passages: list[Passage], citations: list[Citation]) -> str:
    """'[1]', or '[1] [2]' for a sentence two documents both hold."""
    return " ".join(f"[{cite(citations, p)}]" for p in holders(unit, passages))
