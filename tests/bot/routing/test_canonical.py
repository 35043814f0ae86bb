"""The route stage reads a message without the noise that never changes what it asks (bot/routing/canonical.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.routing.canonical import canonical
from eval.noise import NOISES

ASCII = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.?!'-"), max_size=80)


def test_the_probe_s_emoji_goes() -> None:
    question = "my son is 2 and not talking, can someone visit us?"
    assert canonical(question + " 👍") == canonical(question) == "my son is 2 and not talking, can someone visit us?"


def test_courtesies_go_only_from_the_end_and_never_leave_nothing() -> None:
    assert canonical("what is portage?? pls thanks x") == "what is portage?" == canonical("WHAT IS PORTAGE?!!")
    assert canonical("i need help!!!") == canonical("i need help.") == canonical("I NEED HELP") == "i need help"
    assert canonical("please tell me about portage") == "please tell me about portage"
    assert canonical("thanks") == "thanks" and canonical("Thanks!! thank you") == "thanks"
    assert canonical("👍") == "" and canonical("") == ""


@settings(max_examples=400, deadline=None)
@given(text=ASCII.filter(lambda t: any(ch.isalnum() for ch in t)))
def test_no_noise_changes_the_canonical_message(text: str) -> None:
    base = canonical(text)
    assert {name: canonical(noise(text)) for name, noise in NOISES.items()} == dict.fromkeys(NOISES, base)
