"""The bot's fixed texts, and what a question's wording asks for.

``MESSAGES`` (bot/data/messages.toml) are every fixed line the bot says. ``PATTERNS``
(bot/data/intents.toml) read a question's wording: does it ask who to contact, what an
acronym means, how the draft and published strategy differ? Pieces of an answer are
joined here, so list items stay together.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot.text import terms

DATA = Path(__file__).parent / "data"
MESSAGES = tomllib.loads((DATA / "messages.toml").read_text(encoding="utf-8"))
PATTERNS = {
    k: re.compile(v, 0 if k == "acronym_question" else re.I)
    for k, v in tomllib.loads((DATA / "intents.toml").read_text("utf-8")).items()
}
_TEAM_WORDS = re.compile(r"\b(team|service|services|the|leeds)\b|\(.*?\)", re.I)


def contact_intent(question: str) -> bool:
    """Who/how/where questions: an answer ends with whom to contact."""
    return bool(PATTERNS["contact_intent"].search(question))


def asked_acronym(question: str) -> str | None:
    """'What does QToD mean?' -> 'QToD'."""
    match = PATTERNS["acronym_question"].search(question)
    return match.group(1) if match else None


def compares_versions(question: str) -> bool:
    return bool(PATTERNS["compare_versions"].search(question))


def question_parts(question: str) -> list[str]:
    """'What extra funding ..., and what must they complete ...?' -> its two parts."""
    parts = re.split(
        r"\?|\s(?:and|also|plus)\s(?=(?:what|who|how|when|where|which|is|are|do|does|can)\b)", question, flags=re.I
    )
    return [p.strip() for p in parts if len(terms(p)) >= 2]


def asks_for_contact(question: str) -> bool:
    """The question is about contact details themselves."""
    return bool(PATTERNS["asks_for_contact"].search(question))


def team_key(team: str) -> str:
    """'Pupil Tuition Team' and 'Pupil tuition team (PPT)' name the same team."""
    return " ".join(_TEAM_WORDS.sub(" ", team.lower()).split())


def as_item(text: str) -> str:
    """A list item as Markdown: numbered items keep their number."""
    return text if re.match(r"\d{1,2}\.\s", text) else f"- {text}"


def is_item(piece: str) -> bool:
    return piece.startswith("- ") or bool(re.match(r"\d{1,2}\.\s", piece))


def join_pieces(pieces: list[str]) -> str:
    out = ""
    for piece in pieces:
        if not out:
            out = piece
        elif is_item(piece) and is_item(out.split("\n")[-1]):
            out += "\n" + piece
        else:
            out += "\n\n" + piece
    return out
