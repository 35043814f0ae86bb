"""The question bank: questions people ask, each linked to the document sentences that answer it.

Kept as data beside the corpus (``corpus/questions/<document>.jsonl``), one entry a line:
``{"id", "question", "previous"?, "voice", "style", "answers": [{"doc", "section", "text"}], "near"?,
"written_by"}``. ``answers`` are sentences or list items exactly as the cleaned documents have them
(loa/units.py cuts them); an entry with none is a hard negative: a question that sounds close to
the section in ``near`` but that nothing in the documents answers. ``previous`` is the question
before a follow-up. The bank was written by helpers blind to the code and to the locked eval
splits, and holds no copy of a locked question (eval/copies.py). Ingest reports the entries whose
sentences a changed document no longer has (ingest/questions.py); the bot learns relevance from
the rest (bot/relevance/). Shared here because both sides read it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

VOICES = ("family", "staff", "evaluator")


@dataclass(frozen=True)
class Answer:
    doc: str
    section: str
    text: str


@dataclass(frozen=True)
class BankEntry:
    id: str
    question: str
    answers: tuple[Answer, ...]
    voice: str = "family"
    style: tuple[str, ...] = ()
    previous: str = ""
    near: Answer | None = None  # a hard negative's section (its text is empty)
    written_by: str = ""

    @property
    def negative(self) -> bool:
        return not self.answers

    @property
    def context(self) -> str:
        """The question as retrieval reads it: a follow-up with the question before it."""
        return f"{self.previous} {self.question}".strip()

    @property
    def sentences_hash(self) -> str:
        """Changes when any of its answering sentences does: what staleness is checked against."""
        joined = "\n".join(f"{a.doc}\t{a.section}\t{a.text}" for a in self.answers)
        return hashlib.sha256(joined.encode()).hexdigest()[:12]


def parse_entry(data: object) -> BankEntry:
    """One line of a bank file, or ValueError saying what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("question must be a non-empty string")
    answers = data.get("answers")
    if not isinstance(answers, list) or not all(
        isinstance(a, dict) and {"doc", "section", "text"} <= set(a) for a in answers
    ):
        raise ValueError('answers must be a list of {"doc", "section", "text"}')
    near = data.get("near")
    if not answers and not (isinstance(near, dict) and {"doc", "section"} <= set(near)):
        raise ValueError('an entry with no answers (a hard negative) needs "near": {"doc", "section"}')
    if data.get("voice", "family") not in VOICES:
        raise ValueError(f"voice must be one of {', '.join(VOICES)}")
    return BankEntry(
        id=str(data.get("id", "")),
        question=" ".join(question.split()),
        answers=tuple(Answer(str(a["doc"]), str(a["section"]), str(a["text"])) for a in answers),
        voice=str(data.get("voice", "family")),
        style=tuple(str(s) for s in data.get("style") or ()),
        previous=" ".join(str(data.get("previous") or "").split()),
        near=Answer(str(near["doc"]), str(near["section"]), "") if isinstance(near, dict) else None,
        written_by=str(data.get("written_by", "")),
    )


@dataclass(frozen=True)
class QuestionBank:
    entries: tuple[BankEntry, ...]
    digest: str  # of every file's bytes: the cache key of whatever is learned from the bank
    errors: tuple[str, ...] = ()  # "file line N: what is wrong", for lines that could not be read

    @classmethod
    def load(cls, folder: Path) -> QuestionBank:
        """Every readable entry of every ``*.jsonl`` file in ``folder``; a bad line is reported, not fatal."""
        entries: list[BankEntry] = []
        errors: list[str] = []
        digest = hashlib.sha256()
        for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
            raw = path.read_bytes()
            digest.update(path.name.encode() + b"\0" + raw)
            for number, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    entries.append(parse_entry(json.loads(line)))
                except ValueError as err:  # json.JSONDecodeError is a ValueError
                    errors.append(f"{path.name} line {number}: {err}")
        return cls(tuple(entries), digest.hexdigest()[:16], tuple(errors))


def norm(text: str) -> str:
    """A sentence as the bank and the index are matched: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())
