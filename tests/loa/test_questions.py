"""The question bank's files: entries parse, bad lines are named and skipped, the digest follows the bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loa.questions import QuestionBank, parse_entry

GOOD = {
    "id": "x-1",
    "question": "  what is  portage? ",
    "voice": "family",
    "answers": [{"doc": "d.txt", "section": "S", "text": "Portage is a home visiting service."}],
}


def test_an_entry_parses_and_knows_its_hash() -> None:
    entry = parse_entry(GOOD)
    assert entry.question == "what is portage?" and not entry.negative and entry.context == "what is portage?"
    changed = parse_entry({**GOOD, "answers": [{**GOOD["answers"][0], "text": "Portage is different now."}]})
    assert entry.sentences_hash != changed.sentences_hash
    follow_up = parse_entry({**GOOD, "previous": "who helps toddlers?"})
    assert follow_up.context == "who helps toddlers? what is portage?"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1], "not a JSON object"),
        ({**GOOD, "question": " "}, "question"),
        ({**GOOD, "answers": [{"doc": "d.txt"}]}, "answers"),
        ({**GOOD, "answers": []}, "near"),
        ({**GOOD, "voice": "robot"}, "voice"),
    ],
)
def test_bad_entries_say_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_entry(data)


def test_the_bank_loads_every_file_and_names_bad_lines(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps(GOOD) + "\n{oops\n\n", encoding="utf-8")
    negative = {**GOOD, "id": "x-2", "answers": [], "near": {"doc": "d.txt", "section": "S"}}
    (tmp_path / "b.jsonl").write_text(json.dumps(negative) + "\n", encoding="utf-8")
    bank = QuestionBank.load(tmp_path)
    assert [e.id for e in bank.entries] == ["x-1", "x-2"] and bank.entries[1].negative
    assert len(bank.errors) == 1 and bank.errors[0].startswith("a.jsonl line 2: ")
    before = bank.digest
    (tmp_path / "b.jsonl").write_text(json.dumps({**negative, "question": "changed?"}) + "\n", encoding="utf-8")
    assert QuestionBank.load(tmp_path).digest != before
    assert QuestionBank.load(tmp_path / "missing").entries == ()
