"""Data for the replies of the route stage: the questions offered when a message is too vague."""

from __future__ import annotations

from pathlib import Path

SUGGESTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "suggestions.txt"
SUGGESTIONS = tuple(line.strip() for line in SUGGESTIONS_FILE.read_text(encoding="utf-8").splitlines() if line.strip())
