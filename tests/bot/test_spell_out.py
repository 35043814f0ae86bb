"""Acronyms spelled out once per answer, never inside an email or web address (ExtractiveComposer.spell_out)."""

from __future__ import annotations

import pytest

from bot.compose import ExtractiveComposer

GLOSSARY = {
    "SENCo": "Special Educational Needs Coordinator",
    "SEND": "Special Educational Needs and Disabilities",
    "SENIT": "Special Educational Needs and Inclusion Team",
    "PTT": "Pupil Tuition Team",
}


@pytest.fixture
def composer() -> ExtractiveComposer:
    return ExtractiveComposer({}, GLOSSARY)


def test_acronym_spelled_out_once(composer: ExtractiveComposer) -> None:
    pieces, expansions = composer.spell_out(
        ["Talk to your child's SENCo first. [1]", "The SENCo can ask for a Portage assessment. [1]"]
    )
    assert pieces[0] == "Talk to your child's SENCo (Special Educational Needs Coordinator) first. [1]"
    assert pieces[1] == "The SENCo can ask for a Portage assessment. [1]"
    assert expansions == {"SENCo": "Special Educational Needs Coordinator"}


@pytest.mark.parametrize(
    "piece",
    [
        "Email: SEND@leeds.gov.uk [2]",
        "Email: PTT@leeds.gov.uk",
        "please email SENDBestPractice@Leeds.gov.uk",
        "see https://www.leeds.gov.uk/SEND/local-offer",
    ],
)
def test_acronym_not_spelled_out_inside_an_address(composer: ExtractiveComposer, piece: str) -> None:
    pieces, expansions = composer.spell_out([piece])
    assert pieces == [piece]
    assert expansions == {}


def test_email_stays_intact_and_the_word_is_still_spelled_out(composer: ExtractiveComposer) -> None:
    pieces, expansions = composer.spell_out(["Contact: Email: SEND@leeds.gov.uk [1]", "All SEND support is free. [1]"])
    assert pieces[0] == "Contact: Email: SEND@leeds.gov.uk [1]"
    assert pieces[1] == "All SEND (Special Educational Needs and Disabilities) support is free. [1]"
    assert "SEND" in expansions


def test_acronym_already_explained_is_not_explained_again(composer: ExtractiveComposer) -> None:
    already = (
        "There will be effective leadership at all levels, including the SENCo (Special Educational Needs Coordinator)"
    )
    pieces, expansions = composer.spell_out([already, "The SENCo will help."])
    assert pieces == [already, "The SENCo will help."]
    assert expansions == {}
