"""The QA set: loading with line-numbered errors, and its schema."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

QA_FILE = Path(__file__).parent / "qa.jsonl"
PERSONAS = ("family", "staff", "evaluator")
CATEGORIES = (
    "fact",
    "contact",
    "eligibility",
    "process",
    "wording",
    "numbers",
    "multi-hop",
    "conflict",
    "draft-vs-published",
    "acronym",
    "follow-up",
    "unanswerable",
    "out-of-scope",
    "adversarial",
    "crisis",
    "personal-data",
    "decision",
)


@dataclass(frozen=True)
class Evidence:
    doc: str
    quote: str


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    persona: str
    category: str
    answer: str
    key_facts: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    refusal_expected: bool
    history: tuple[dict, ...] = field(default_factory=tuple)

    @property
    def answerable(self) -> bool:
        return not self.refusal_expected


def parse_item(data: object) -> QAItem:
    """One item, or ValueError saying what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    missing = [
        k
        for k in ("id", "question", "persona", "category", "answer", "key_facts", "evidence", "refusal_expected")
        if k not in data
    ]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if data["persona"] not in PERSONAS:
        raise ValueError(f"persona must be one of {', '.join(PERSONAS)}")
    if data["category"] not in CATEGORIES:
        raise ValueError(f"unknown category {data['category']!r}")
    if not isinstance(data["question"], str) or not data["question"].strip():
        raise ValueError("question must be a non-empty string")
    if not isinstance(data["key_facts"], list) or not all(isinstance(k, str) for k in data["key_facts"]):
        raise ValueError("key_facts must be a list of strings")
    evidence = data["evidence"]
    if not isinstance(evidence, list) or not all(isinstance(e, dict) and {"doc", "quote"} <= set(e) for e in evidence):
        raise ValueError('evidence must be a list of {"doc", "quote"}')
    if not isinstance(data["refusal_expected"], bool):
        raise ValueError("refusal_expected must be true or false")
    history = data.get("history") or []
    if not isinstance(history, list) or not all(isinstance(t, dict) and {"role", "content"} <= set(t) for t in history):
        raise ValueError('history must be a list of {"role", "content"}')
    return QAItem(
        id=str(data["id"]),
        question=data["question"],
        persona=data["persona"],
        category=data["category"],
        answer=str(data["answer"]),
        key_facts=tuple(data["key_facts"]),
        evidence=tuple(Evidence(e["doc"], e["quote"]) for e in evidence),
        refusal_expected=data["refusal_expected"],
        history=tuple(history),
    )


def load_qa(path: Path = QA_FILE) -> tuple[list[QAItem], list[str]]:
    """The items that parse, and an error per malformed line (with its number)."""
    items: list[QAItem] = []
    errors: list[str] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8", errors="replace") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                item = parse_item(json.loads(line))
            except json.JSONDecodeError as err:
                errors.append(f"line {number}: not valid JSON ({err.msg})")
                continue
            except ValueError as err:
                errors.append(f"line {number}: {err}")
                continue
            if item.id in seen:
                errors.append(f"line {number}: duplicate id {item.id}")
                continue
            seen.add(item.id)
            items.append(item)
    return items, errors
