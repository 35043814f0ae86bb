"""Screen a message before answering: injection, abuse, decisions about one child and personal
details, and the text's cleaning. Rules live in data/guard.toml. Crisis, out-of-scope and the other
routes are the route stage's (bot/routing/); these rules stay where they measured better beside it.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bot.privacy import find_personal, redact

_RULES = tomllib.loads((Path(__file__).parent / "data" / "guard.toml").read_text(encoding="utf-8"))
_CASE_SENSITIVE = {"named_place"}  # a name is a name because of its capitals
_COMPILED = {
    name: [re.compile(p, 0 if name in _CASE_SENSITIVE else re.I) for p in patterns]
    for name, patterns in _RULES.items()
    if name not in ("figures", "not_domain_words")
}
NOT_DOMAIN_WORDS = frozenset(_RULES["not_domain_words"])
_FIGURES = [(re.compile(q, re.I), re.compile(a, re.I)) for q, a in _RULES["figures"].items()]
_CLAUSE = re.compile(r"[^.!?\n]+[.!?]*")
MAX_CHARS = 2000


@dataclass
class Screening:
    question: str  # what to answer: cleaned, without personal details, injected instructions or insults
    redacted: str = ""  # the message for logs and feedback: personal details replaced by [kind]
    injection: bool = False
    abuse: bool = False
    decision: bool = False
    personal: list[str] = field(default_factory=list)  # kinds of personal detail found
    truncated: bool = False


def matches(kind: str, text: str) -> bool:
    return any(p.search(text) for p in _COMPILED[kind])


def clean_text(text: str, max_chars: int = MAX_CHARS) -> tuple[str, bool]:
    """Printable text only, whitespace folded, at most max_chars."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    text = " ".join(text.split())
    return (text[:max_chars], True) if len(text) > max_chars else (text, False)


def screen(message: str, max_chars: int = MAX_CHARS, known_contacts: frozenset[str] = frozenset()) -> Screening:
    """known_contacts: the services' published emails and numbers, which are not personal details."""
    text, truncated = clean_text(message, max_chars)
    result = Screening(question=text, truncated=truncated)
    result.personal = sorted({kind for kind, _ in find_personal(text, known_contacts)})
    result.redacted = redact(text)
    kept = []
    # personal details go first: an email's dots must not split it into clauses
    for clause in _CLAUSE.findall(redact(text, placeholder=False, keep=known_contacts)):
        if matches("injection", clause):
            result.injection = True
            continue
        if matches("abuse", clause):
            result.abuse = True
            clause = " ".join(w for w in clause.split() if not matches("abuse", w))
        kept.append(clause.strip())
    # what redaction leaves behind: '(DOB )', 'lives at , .'
    question = re.sub(
        r"\(\s*(?:dob|d\.o\.b\.?|born|nhs(?: number| no\.?)?)?\s*\)", " ", " ".join(c for c in kept if c), flags=re.I
    )
    result.question = " ".join(re.sub(r"(?:\s*[,.])+(?=\s*[,.])", "", question).split())
    result.decision = matches("decision", result.question)
    return result


def named_places(question: str) -> list[str]:
    """Schools, colleges and the like named in the question."""
    return [m.group(1) for p in _COMPILED["named_place"] for m in p.finditer(question)]


def needs_figure(question: str) -> bool:
    return any(q.search(question) for q, _ in _FIGURES)


def has_figure(question: str, answer: str) -> bool:
    """Does the answer hold the kind of figure the question asks for ('how long' -> a time)?"""
    answer = re.sub(r"\[\d+\]", " ", answer)
    return all(a.search(answer) for q, a in _FIGURES if q.search(question))
