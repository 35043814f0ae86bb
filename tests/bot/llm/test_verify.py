"""The verifier on its own: citations, contacts, figures, dates and names, with a fake similarity."""

from __future__ import annotations

import numpy as np
import pytest

from bot.answer import Passage
from bot.llm.verify import Verifier, VerifySettings, cited_numbers, strip_markers


def passage(id_: str, text: str, doc: str, team: str) -> Passage:
    title = doc.removesuffix(".txt").replace("-", " ").title()
    meta = {"doc": doc, "title": title, "section": f"{title} › {team}", "team": team, "end": len(text)}
    return Passage.from_metadata(id_, text, meta)


PORTAGE = passage(
    "p1",
    "Portage is a home visiting educational service for pre-school children. "
    "Requests can be made when the child is aged between 0 and two and a half years of age. "
    "Email portage@leeds.gov.uk or call 0113 378 5000 on Monday to Friday.",
    "learning-inclusion-service.txt",
    "Portage",
)
OTHER = passage(
    "p2",
    "The Pupil Tuition Team provides education for pupils unable to attend school for medical reasons.",
    "learning-access.txt",
    "Pupil Tuition Team",
)


def verifier(similarity: float = 0.9, **config: float) -> Verifier:
    """Similarity is fixed: these tests are about the lexical and fact checks."""
    return Verifier(
        embed=lambda text: np.ones(3),
        unit_similarity=lambda vector, pid: {0: similarity, 1: similarity - 0.1},
        vocabulary=frozenset({"you", "requests", "the", "portage", "email", "call"}),
        config=VerifySettings(**config),
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Text [1].", [1]),
        ("Text [1, 3] and [2].", [1, 3, 2]),
        ("Text [Source 2].", [2]),
        ("Text [1-3].", [1, 2, 3]),
        ("Text [1][1].", [1]),
        ("Text without any.", []),
    ],
)
def test_cited_numbers(sentence: str, expected: list[int]) -> None:
    assert cited_numbers(sentence) == expected


def test_strip_markers_leaves_clean_text() -> None:
    assert strip_markers("Portage visits homes [1] [2].") == "Portage visits homes."


def test_a_faithful_sentence_stands() -> None:
    check = verifier().check("Portage is a home visiting service for pre-school children [1].", [PORTAGE])
    assert check.kept, check.reason
    assert check.best == ("p1", 0)


def test_a_sentence_without_a_citation_is_removed() -> None:
    check = verifier().check("Portage is a home visiting service for pre-school children.", [PORTAGE])
    assert check.reason == "no citation"


def test_a_citation_to_no_source_is_removed() -> None:
    assert not verifier().check("Portage visits homes [4].", [PORTAGE]).kept


@pytest.mark.parametrize(
    ("sentence", "invented"),
    [
        ("You can call Portage on 0113 222 4444 [1].", "01132224444"),
        ("Email help@leeds.gov.uk for Portage [1].", "help@leeds.gov.uk"),
        ("Requests can be made for children aged up to 3 [1].", "3"),
        ("Requests can be made for children aged up to five [1].", "five"),
        ("Call Portage on Saturday [1].", "Saturday"),
        ("Portage is run by Sarah Jones [1].", "Sarah"),
        ("Ask CAMHS about Portage [1].", "CAMHS"),
        ("Mrs Smith runs Portage home visits [1].", "Mrs"),
    ],
)
def test_a_sentence_with_an_invented_fact_is_removed(sentence: str, invented: str) -> None:
    check = verifier().check(sentence, [PORTAGE])
    assert not check.kept
    assert invented in check.unsupported


@pytest.mark.parametrize(
    "sentence",
    [
        "Email portage@leeds.gov.uk or call 0113 378 5000 [1].",
        "Requests can be made when the child is aged between 0 and two and a half [1].",
        "You can call Portage from Monday to Friday on 0113 378 5000 [1].",
    ],
)
def test_facts_copied_from_the_source_pass(sentence: str) -> None:
    check = verifier().check(sentence, [PORTAGE])
    assert check.unsupported == []
    assert check.kept, check.reason


def test_a_fact_from_a_source_it_does_not_cite_is_not_enough() -> None:
    """The phone number is in source 1, but the sentence cites source 2."""
    check = verifier().check("The Pupil Tuition Team can be called on 0113 378 5000 [2].", [PORTAGE, OTHER])
    assert "01133785000" in check.unsupported


def test_low_similarity_or_overlap_removes_a_sentence() -> None:
    assert not verifier(similarity=0.2).check("Portage is a home visiting service [1].", [PORTAGE]).kept
    words_elsewhere = verifier().check("Children enjoy swimming lessons and football clubs [1].", [PORTAGE])
    assert words_elsewhere.overlap < 0.3
    assert words_elsewhere.reason == "not supported by its sources"


def test_an_ordinary_word_opening_a_sentence_is_not_a_name() -> None:
    assert verifier().names("You can email them. Requests go to Portage.") == ["Portage"]
