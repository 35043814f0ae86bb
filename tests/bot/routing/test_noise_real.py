"""On the real model: no noise changes the route of any dev message (emoji, '!!!', capitals, 'pls', 'thanks').

The property the outside probe broke ("my son is 2 and not talking, can someone visit us? 👍" got the
crisis reply); the report gives the same flip rate on the test split (eval/noise.py).
"""

from __future__ import annotations

import pytest

from eval.noise import route_flips, route_label
from eval.qa import DEV_FILE, load_qa

pytestmark = pytest.mark.quality


def test_the_app_s_first_example_with_an_emoji_is_no_crisis(real_bot) -> None:  # noqa: ANN001
    question = "my son is 2 and not talking, can someone visit us?"
    for emoji in ("👍", "🙏", "😭", "❤️", "😂", "🤞", "👶", "💬"):
        assert route_label(real_bot, f"{question} {emoji}", []) == route_label(real_bot, question, []) == "answer"
        answer = real_bot.ask(f"{question} {emoji}")
        assert answer.kind != "crisis" and "999" not in answer.answer and "Portage" in answer.answer


def test_no_dev_message_changes_route_under_noise(real_bot) -> None:  # noqa: ANN001
    items, _ = load_qa(DEV_FILE)
    flips = route_flips(real_bot, items)
    assert flips["flipped"] == 0, flips["examples"]
