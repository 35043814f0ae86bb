"""On the real model, corpus and question bank: the questions issue 22 found answered wrongly.

Each was answered from the wrong place before the bank; the last two were sent the clarifying
question meant for vague messages. No answer quotes one sentence twice.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

pytestmark = pytest.mark.quality
VIRTUAL_SCHOOL = [
    {"role": "user", "content": "what training does the virtual school offer designated teachers?"},
    {"role": "assistant", "content": "We offer a differentiated programme of training for Designated Teachers."},
]
CASES = [
    (
        "my daughter starts high school in september and she is autistic. does her school have to help her with "
        "the move?",
        [],
        "effective transition arrangements",
    ),
    ("what does a trainee educational psychologist do and how long is their course?", [], "three-year"),
    ("tell me about portage", [], "home visiting"),
    ("tell me about the pupil tuition team", [], "short-term sessional education"),
    pytest.param(
        "do they charge for it?",
        VIRTUAL_SCHOOL,
        "All our training is free",
        marks=pytest.mark.xfail(
            strict=True, reason="the selector ranks it second; the follow-up's own words don't yet lead the answer"
        ),
    ),
    (
        "will the school give my boy equipment like a laptop or special chair if he needs it?",
        [],
        "assistive technology",
    ),
]


def sentences(answer: str) -> list[str]:
    text = re.sub(r"\[\d+\]", "", answer)
    return [" ".join(s.split()).lower() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) > 5]


@pytest.mark.parametrize(("question", "history", "fact"), CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_issue_22_questions_are_answered_from_the_right_place(real_bot, question, history, fact) -> None:  # noqa: ANN001
    answer = real_bot.ask(question, history)
    assert answer.route == "answer" and not answer.refused, answer.answer
    assert fact.lower() in answer.answer.lower(), answer.answer
    repeated = [s for s, n in Counter(sentences(answer.answer)).items() if n > 1]
    assert repeated == []


def test_a_sentence_two_pages_share_is_quoted_once_citing_both(real_bot) -> None:  # noqa: ANN001
    answer = real_bot.ask("who does the pupil tuition team work closely with?")
    shared = "with other services including Social Care, Educational Psychology service and the Virtual School."
    assert answer.answer.count(shared) == 1
    marks = re.search(re.escape(shared) + r"((?: \[\d+\])+)", answer.answer).group(1).split()
    docs = {c.doc for c in answer.citations if f"[{c.n}]" in marks}
    assert docs == {"learning-access-service.txt", "learning-inclusion-service.txt"}
