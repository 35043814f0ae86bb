"""What the bot knows about its documents as a whole, for the checks before answering.

Built once per index build from every passage: the documents' titles, the words they
use, the teams they describe and the contact details they publish. The checks ask
whether a question is about the documents at all, names a place they never mention,
or asks for an organisation's contact the answer never names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from bot.answer import Passage
from bot.citing import team_names
from bot.guard import NOT_DOMAIN_WORDS
from bot.privacy import published_contacts
from bot.text import terms
from bot.wording import team_key

_GENERIC_ACRONYMS = {"SEND", "SEN", "LEEDS", "EHCP", "EHC", "NHS", "UK", "LA", "CYP", "DOB", "ADHD", "ASD", "SEMH"}
_GENERIC_PLACE_WORDS = {
    "leeds",
    "the",
    "school",
    "academy",
    "primary",
    "college",
    "nursery",
    "surgery",
    "hospital",
    "high",
}


class CorpusFacts:
    def __init__(self, passages: Iterable[Passage]) -> None:
        passages = list(passages)
        self.published_contacts = published_contacts([p.text for p in passages])
        # 'Leeds Local Offer: The mainstream school offer' -> 'mainstream school offer'
        self.title_keys = {
            p.doc: " ".join(re.findall(r"[a-z]+", p.title.split(":")[-1].lower().removeprefix(" the ")))
            for p in passages
        }
        frequency = Counter(t for p in passages for t in set(terms(f"{p.section} {p.text}")))
        generic = set(terms(" ".join(NOT_DOMAIN_WORDS)))
        self.domain_words = {t for t, n in frequency.items() if n >= 2} - generic
        self.corpus_text = " ".join(" ".join(p.text.split()) for p in passages).lower()
        self.team_keys = {k for p in passages for k in team_names(p) if len(k) > 3}
        # words the documents write in lower case: an ordinary word opening a sentence is not a name
        self.vocabulary = frozenset(re.findall(r"\b[a-z][a-z'’-]*\b", " ".join(p.text for p in passages)))

    def known_name(self, name: str) -> bool:
        """'Leeds Virtual School' is known (the corpus has 'Virtual School'); 'Roundhay School' is not."""
        distinctive = [w for w in name.lower().split() if w not in _GENERIC_PLACE_WORDS]
        return all(re.search(rf"\b{re.escape(w)}\b", self.corpus_text) for w in distinctive)

    def named_documents_first(self, question: str, passages: list[Passage]) -> list[Passage]:
        """'... in the mainstream school offer?', '... the draft strategy ...': that document's passages lead."""
        asked = f" {' '.join(re.findall(r'[a-z]+', question.lower()))} "
        named = {doc for doc, key in self.title_keys.items() if f" {key} " in asked}
        if re.search(r"\bdraft\b", asked):
            named |= {p.doc for p in passages if p.is_draft}
        if not named:
            return passages
        return [p for p in passages if p.doc in named] + [p for p in passages if p.doc not in named]

    def on_topic(self, text: str, expansions: list[str]) -> bool:
        """Shares a word (or, through the phrase list, a meaning) with at least two passages of the documents."""
        return bool(set(terms(text + " " + " ".join(expansions))) & self.domain_words)

    def other_body(self, question: str, answer: str) -> bool:
        """'the phone number for CAMHS': an organisation the answer never names is not what it gives contacts for."""
        named = {a for a in re.findall(r"\b[A-Z]{3,}\b", question) if a not in _GENERIC_ACRONYMS}
        named = {a for a in named if a.lower() not in self.team_keys}
        flat = answer.lower().replace(" ", "")  # 'SEND IASS' and 'sendiass@leeds.gov.uk' both name SENDIASS
        return bool(named) and not any(a.lower() in flat for a in named)

    def names_a_team(self, text: str) -> bool:
        """Does the text name a team or service the documents describe (not just mention)?"""
        asked = f" {team_key(text)} "
        return any(f" {key} " in asked for key in self.team_keys)
