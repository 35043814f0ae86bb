"""Conversation: reading a follow-up ('and their email?') with the question before it."""

from __future__ import annotations

from bot.wording import team_key

Turn = dict[str, str]  # {"role": "user" | "assistant", "content": ...}


def valid_history(history: object) -> list[Turn]:
    """Well-formed turns only, the last ten: a long or malformed history cannot break an answer."""
    if not isinstance(history, list):
        return []
    turns = [
        {"role": str(t.get("role", "")), "content": str(t.get("content", ""))[:2000]}
        for t in history
        if isinstance(t, dict)
    ]
    return turns[-10:]


def read_in_context(question: str, history: list[Turn], team_keys: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """A follow-up ('and their email?') is read with the question before it and the team its answer named."""
    previous = [t.get("content", "") for t in history if t.get("role") == "user"]
    if not previous or not is_follow_up(question):
        return question
    answers = [t.get("content", "") for t in history if t.get("role") == "assistant"]
    said = f" {team_key(answers[-1])} " if answers else ""
    named = sorted((k for k in team_keys if f" {k} " in said), key=len, reverse=True)[:2]
    return " ".join([previous[-1], *named, question])


FOLLOW_UP_WORDS = {"they", "their", "them", "it", "its", "that", "this", "there", "he", "she", "his", "her", "those"}


def is_follow_up(question: str) -> bool:
    words = question.lower().replace("?", " ").split()
    return len(words) <= 12 and (
        bool(FOLLOW_UP_WORDS & set(words))
        or question.lower().startswith(("and ", "what about", "how about", "what if"))
    )
