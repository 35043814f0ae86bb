"""The understand stage on the real corpus and model: the questions issue 14 started from."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("how do I apply for an EHCP?", "request"),
        ("whats the email for the exclusions team", "contact"),
        ("what does the draft strategy say word for word about inclusion", "wording"),
    ],
)
def test_intents(real_bot, question: str, intent: str) -> None:  # noqa: ANN001
    assert real_bot.understand.intents.classify(question).label == intent


def test_a_lay_name_finds_the_team_and_says_plainly_it_has_no_contact(real_bot) -> None:  # noqa: ANN001
    answer = real_bot.ask("how do i get in touch with the team for deaf children?")
    assert not answer.refused
    assert "deaf" in answer.answer.lower()
    assert "don't give a direct phone number or email" in answer.answer
    assert all("@" not in line for line in answer.answer.splitlines()[:-3])  # no contact invented for DAHIT


def test_a_follow_up_keeps_the_team(real_bot) -> None:  # noqa: ANN001
    history = [
        {"role": "user", "content": "what does the virtual school do?"},
        {"role": "assistant", "content": "The Virtual School promotes the education of looked after children."},
    ]
    answer = real_bot.ask("can parents contact them directly?", history)
    assert "virtualschool@leeds.gov.uk" in answer.answer.lower()


def test_a_how_question_about_a_service_ends_with_its_contact_lines(real_bot) -> None:  # noqa: ANN001
    answer = real_bot.ask("how do I contact the virtual school?")
    assert "Email: virtualschool@leeds.gov.uk" in answer.answer
    cited = {c.section for c in answer.citations}
    assert any("Virtual School" in section for section in cited)
