"""Noise that must never change a message's route: emoji, repeated punctuation, capitals, a closing 'pls'.

An outside probe found that a thumbs-up after the app's own first example turned it into a crisis
reply. ``route_flips`` routes every message as written and with each kind of noise added, and counts
the messages whose route changed under any of them (the report's "route flips under noise").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EMOJI = ("👍", "🙏", "😊", "😢", "❤️", "🤔", "😭", "👋🏽")
NOISES: dict[str, Callable[[str], str]] = {
    **{f"emoji {e}": (lambda q, e=e: f"{q} {e}") for e in EMOJI},
    "emoji first": lambda q: f"🙂 {q}",
    # its own last mark three times ("?" -> "???", "." -> "..."), or "!!!" where there is none
    "repeated punctuation": lambda q: q + (q[-1] * 2 if q[-1:] in ("?", "!", ".") else "!!!"),
    "exclamations": lambda q: f"{q}!!!",
    "upper case": str.upper,
    "pls": lambda q: f"{q} pls",
    "thanks": lambda q: f"{q} thanks",
    "thank you x": lambda q: f"{q}, thank you x",
}


def route_label(bot: Any, question: str, history: list[dict]) -> str:
    """The route the bot's route stage gives a message, as in a real answer."""
    return bot.route(bot.screen_for_route(question), history).label


def route_flips(bot: Any, items: list[Any]) -> dict[str, Any]:
    """Share of messages whose route changes under some noise, and which noise changed which."""
    flipped: list[str] = []
    by_noise = dict.fromkeys(NOISES, 0)
    messages = 0
    for item in items:
        history = list(item.history)
        base = route_label(bot, item.question, history)
        changed = False
        for name, noise in NOISES.items():
            label = route_label(bot, noise(item.question), history)
            if label != base:
                by_noise[name] += 1
                changed = True
                if len(flipped) < 20:
                    flipped.append(f"{item.id} ({name}): {base} -> {label}")
        messages += changed
    return {
        "rate": messages / len(items) if items else None,
        "flipped": messages,
        "messages": len(items),
        "by_noise": {k: v for k, v in by_noise.items() if v},
        "examples": flipped,
    }
