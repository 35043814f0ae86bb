"""What a question's wording asks for (bot/wording.py)."""

from __future__ import annotations

import pytest

from bot.wording import asks_for_contact, contact_intent, team_key


@pytest.mark.parametrize(
    ("question", "contact", "asks"),
    [
        ("who do I email about exclusions?", True, True),
        ("what's the phone number for portage", True, True),
        ("how do I request Portage", True, False),
        ("where is the tuition centre?", True, False),
        ("what does the attendance team do", False, False),
        ("is portage free?", False, False),
    ],
)
def test_contact_intents(question: str, contact: bool, asks: bool) -> None:
    assert contact_intent(question) is contact
    assert asks_for_contact(question) is asks


def test_team_key_names_the_same_team() -> None:
    assert team_key("Pupil Tuition Team") == team_key("Pupil tuition team (PTT)") == "pupil tuition"
    assert team_key("The Leeds Virtual School") == "virtual school"
