"""Find and redact personal details: nothing a family types reaches logs or feedback unredacted.

Patterns cover what families actually type: emails, UK phone numbers, NHS
numbers, postcodes, dates of birth, street addresses and names introduced as
names ("my son Leo", "I'm Sarah Jones", "Mark Peters here").
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_DATA = tomllib.loads((Path(__file__).parent / "data" / "privacy.toml").read_text(encoding="utf-8"))
_NAME = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?"
_RELATIONS = "|".join(_DATA["relations"])
_STREETS = "|".join(_DATA["street_words"])

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    # written to dodge spam filters: "name [at] example.com", "name (at) example (dot) com", "name at example dot com"
    (
        "email",
        re.compile(
            r"\b[\w.+-]+\s*(?:[\[({]\s*at\s*[\])}]|\s+at\s+(?=[\w-]+\s*(?:[\[({]\s*dot\s*[\])}]|\s+dot\s+)))\s*[\w-]+"
            r"(?:\s*(?:\.|[\[({]\s*dot\s*[\])}]|\s+dot\s+)\s*[a-z]{2,})+\b",
            re.I,
        ),
    ),
    # UK numbers however they are spaced: "(0113) 222 3333", "07700  900123", "+44 (0)113 222-3333"
    (
        "phone number",
        re.compile(
            r"(?<![\d(])(?:\+44[\s-]{0,2}(?:\(0\)[\s-]{0,2})?|\(0|0)\d(?:(?:[\s.-]{1,2}|\)\s{0,2})?\d){8,9}(?!\d)"
        ),
    ),
    ("NHS number", re.compile(r"\b(?:nhs\s*(?:number|no\.?)?\s*:?\s*)?\d{3}[ -]?\d{3}[ -]?\d{4}\b", re.I)),
    ("postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)),
    (
        "date of birth",
        re.compile(
            r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4})\b",
            re.I,
        ),
    ),
    ("address", re.compile(rf"\b\d{{1,4}}[a-z]?\s+(?:[A-Z][a-z]+\s+){{1,3}}(?:{_STREETS})\b", re.I)),
    ("name", re.compile(rf"(?i:\b(?:my name is|i am|i'm|im|name's)\s+)({_NAME})")),
    ("name", re.compile(rf"(?i:\b(?:details|name|called|named)(?:\s+(?:on|is|are))?\s*:\s*)({_NAME})")),
    # typed in lower case, a name is only taken as one when a comma closes it: "im sarah jones, ..."
    ("name", re.compile(r"(?i:\b(?:my name is|i'm|im|i am)\s+)([a-z]+(?: [a-z]+)?)(?=,)")),
    (
        "name",
        re.compile(
            rf"(?i:\b(?:my|our)\s+(?:\w+\s+)?(?:{_RELATIONS})\s+(?:is\s+(?:called\s+)?|called\s+|named\s+)?)({_NAME})"
        ),
    ),
    # typed in lower case: "my son leo is in year 9"
    (
        "name",
        re.compile(
            rf"(?i:\b(?:my|our)\s+(?:{_RELATIONS})\s+)([a-z]{{3,}})(?=\s+(?:is|has|was|who|goes|keeps|gets|can|needs)\b|,)"
        ),
    ),
    ("name", re.compile(rf"(?i:\b(?:i\s+foster|fostering|caring for|looking after)\s+)({_NAME})")),
    ("name", re.compile(rf"^\s*({_NAME})\s+(?i:here)\b")),
]
_NOT_NAMES = {w.lower() for w in _DATA["not_names"]}


def _kept(kind: str, value: str, keep: frozenset[str]) -> bool:
    """Not personal: a word that is not a name, or a service's published contact."""
    if kind == "name":
        return value.split()[0].lower() in _NOT_NAMES
    return _contact_key(value) in keep


def _contact_key(value: str) -> str:
    return value.lower() if "@" in value else re.sub(r"\D", "", value)


def published_contacts(texts: list[str]) -> frozenset[str]:
    """Emails and phone numbers the documents publish: a family quoting one shares nothing personal."""
    keys: set[str] = set()
    for text in texts:
        for kind, pattern in PATTERNS:
            if kind in ("email", "phone number"):
                keys |= {_contact_key(m.group(0)) for m in pattern.finditer(text)}
    return frozenset(keys)


def find_personal(text: str, keep: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(kind, matched text) for each personal detail found."""
    found: list[tuple[str, str]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            value = match.group(1) if match.groups() else match.group(0)
            if not _kept(kind, value, keep):
                found.append((kind, value))
    return found


def redact(text: str, placeholder: bool = True, keep: frozenset[str] = frozenset()) -> str:
    """The text with each personal detail replaced by [kind] (or removed)."""
    for kind, pattern in PATTERNS:

        def repl(match: re.Match[str], kind: str = kind) -> str:
            value = match.group(1) if match.groups() else match.group(0)
            if _kept(kind, value, keep):
                return match.group(0)
            return match.group(0).replace(value, f"[{kind}]" if placeholder else "")

        text = pattern.sub(repl, text)
    return text
