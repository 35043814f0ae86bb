"""Where the Leeds documents disagree, the answer shows both versions with their sources.

Runs the real model on the real corpus (the session's ``real_bot``).
"""

from __future__ import annotations

import re

import pytest

from bot.answer import Answer
from bot.wording import MESSAGES

pytestmark = pytest.mark.quality

LIS = "learning-inclusion-service.txt"
LAS = "learning-access-service.txt"
MAINSTREAM = "mainstream-school-offer.txt"
DRAFT = "send-inclusion-strategy-2021-draft.txt"


def docs_citing(answer: Answer, fact: str) -> set[str]:
    """The documents cited on the answer's lines that state ``fact``; each cited passage must hold the fact."""
    by_n = {c.n: c for c in answer.citations}
    docs = set()
    for line in answer.answer.splitlines():
        if fact.lower() not in line.lower():
            continue
        for n in re.findall(r"\[(\d+)\]", line):
            citation = by_n[int(n)]
            if fact.lower() in " ".join(citation.text.split()).lower():
                docs.add(citation.doc)
    return docs


def conflict_lines(answer: Answer) -> list[str]:
    """The bullet lines under a 'documents disagree' or 'draft words this differently' note."""
    lines, inside = [], False
    for line in answer.answer.splitlines():
        if line in (MESSAGES["conflict_intro"], MESSAGES["version_intro"]):
            inside = True
        elif inside and line.startswith("- "):
            lines.append(line)
        elif line.strip():
            inside = False
    return lines


@pytest.mark.parametrize(
    "question",
    [
        pytest.param(
            "after school refers my daughter to the tuition team how long till we hear back",
            marks=pytest.mark.xfail(
                strict=True, reason="the selector ranks the decision-time sentence fourth; the answer leads elsewhere"
            ),
        ),
        pytest.param(
            "How long does the Pupil Tuition Team take to tell the referrer its decision?",
            marks=pytest.mark.xfail(
                strict=True,
                reason="declined since answerability was refitted on the bank: 4 of its 10 nearest bank questions are"
                " hard negatives (P(unanswerable) 0.92 against 0.9)",
            ),
        ),
    ],
)
def test_pupil_tuition_decision_time(real_bot, question: str) -> None:  # noqa: ANN001
    answer = real_bot.ask(question)
    assert not answer.refused
    assert "conflict" in answer.notes
    assert MESSAGES["conflict_intro"] in answer.answer
    assert "2 days" in answer.answer and "3 days" in answer.answer
    assert LIS in docs_citing(answer, "within 2 days")
    assert LAS in docs_citing(answer, "within 3 days")
    lines = conflict_lines(answer)
    assert any("within 2 days" in line and "Learning Inclusion Service (Published)" in line for line in lines)
    assert any("within 3 days" in line and "Learning Access Service (Published)" in line for line in lines)


def test_pupil_tuition_location(real_bot) -> None:  # noqa: ANN001
    answer = real_bot.ask("Where does the Pupil Tuition Team deliver its tuition?")
    assert "conflict" in answer.notes
    assert LAS in docs_citing(answer, "Queenswood Drive")
    assert LIS in docs_citing(answer, "West Leeds Activity Centre")
    lines = conflict_lines(answer)
    assert any("Queenswood Drive" in line for line in lines)
    assert any("West Leeds Activity Centre" in line for line in lines)


TRANSPORT = "who has to get my son to the tuition centre, me or the school? do they pay for a taxi"


def test_transport_responsibility_both_versions_quoted(real_bot) -> None:  # noqa: ANN001
    answer = real_bot.ask(TRANSPORT)
    assert LIS in docs_citing(answer, "responsibility of the referrer")
    assert LAS in docs_citing(answer, "responsibility of the parent/carer")


@pytest.mark.parametrize("question", [TRANSPORT, "who is responsible for transport to tuition?"])
def test_transport_responsibility_flagged_as_conflict(real_bot, question: str) -> None:  # noqa: ANN001
    answer = real_bot.ask(question)
    assert "conflict" in answer.notes
    lines = conflict_lines(answer)
    assert any("responsibility of the referrer" in line for line in lines)
    assert any("responsibility of the parent/carer" in line for line in lines)


@pytest.mark.parametrize(
    "question",
    ["whats the phone number for the send advice line for parents", "What is the phone number for SENDIASS?"],
)
def test_sendiass_phone_is_a_draft_published_difference(real_bot, question: str) -> None:  # noqa: ANN001
    answer = real_bot.ask(question)
    assert "versions" in answer.notes
    assert MESSAGES["version_intro"] in answer.answer
    assert "0113 3951200" in answer.answer and "0113 378 5020" in answer.answer
    assert MAINSTREAM in docs_citing(answer, "0113 3951200")
    assert DRAFT in docs_citing(answer, "0113 378 5020")
    statuses = {c.doc: c.status for c in answer.citations}
    assert statuses[DRAFT] == "draft" and statuses[MAINSTREAM] == "published"
    lines = conflict_lines(answer)
    assert any("(Draft, 2021)" in line and "0113 378 5020" in line for line in lines)
    assert any("(Published)" in line and "0113 3951200" in line for line in lines)


@pytest.mark.parametrize(
    "question",
    [
        "what does the Visual Impairment Team do?",
        "What does the Deaf and Hearing Impairment Team do?",
        "what is Portage?",
        "what does the school attendance team do?",
    ],
)
def test_no_conflict_where_the_documents_agree(real_bot, question: str) -> None:  # noqa: ANN001
    answer = real_bot.ask(question)
    assert not answer.refused
    assert "conflict" not in answer.notes and "versions" not in answer.notes
    assert MESSAGES["conflict_intro"] not in answer.answer
    assert MESSAGES["version_intro"] not in answer.answer


def test_conflict_citations_are_consistent(real_bot) -> None:  # noqa: ANN001
    answer = real_bot.ask("How long does the Pupil Tuition Team take to tell the referrer its decision?")
    used = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert used == {c.n for c in answer.citations}
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
