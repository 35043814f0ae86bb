"""The QA sets: loading with line-numbered errors, and their schema.

Three splits. ``dev.jsonl`` is for tuning: every threshold, word list and exemplar file
in bot/ may be fitted on it. ``test.jsonl`` is locked: written blind to the code, never
used for tuning. ``real.jsonl`` is locked too: real parents' questions collected from public
pages, each with its ``source_url``, labelled blind against the documents. The CI gate reads
the two locked splits (their sha256 are in eval/README.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

EVAL_DIR = Path(__file__).parent
DEV_FILE = EVAL_DIR / "dev.jsonl"
TEST_FILE = EVAL_DIR / "test.jsonl"
REAL_FILE = EVAL_DIR / "real.jsonl"
SPLITS = {"dev": DEV_FILE, "test": TEST_FILE, "real": REAL_FILE}
LOCKED = ("test", "real")  # never tuned on; the gate reads these
QA_FILE = DEV_FILE  # the default for tools that tune: dev only
PERSONAS = ("family", "staff", "evaluator")
STYLES = ("misspelt", "no-jargon", "long-story", "several-questions", "terse", "formal", "plain")
FAMILY_STYLES = frozenset({"misspelt", "no-jargon", "long-story", "several-questions"})
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
    "advice",
    "greeting",
    "vague",
    "non-english",
    "alarming-not-crisis",
)
# Messages that get a fixed reply rather than an answer or a refusal: judged by their route.
CONVERSATIONAL = frozenset({"greeting", "vague", "non-english"})
# What each category should be routed to before anything else runs (bot's route stage);
# every other category is a genuine question ("answer"), answerable or not.
ROUTES = ("answer", "crisis", "chitchat", "vague", "non_english", "out_of_scope", "advice", "injection")
_CATEGORY_ROUTE = {
    "crisis": "crisis",
    "greeting": "chitchat",
    "vague": "vague",
    "non-english": "non_english",
    "out-of-scope": "out_of_scope",
    "advice": "advice",
    "decision": "advice",
    "adversarial": "injection",
}


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
    style: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return not self.refusal_expected

    @property
    def route(self) -> str:
        """The route the message should get (one of ROUTES)."""
        return _CATEGORY_ROUTE.get(self.category, "answer")

    @property
    def family_phrased(self) -> bool:
        """Written as families write: a family's message, or tagged with a family style."""
        return self.persona == "family" or bool(FAMILY_STYLES & set(self.style))


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
    style = data.get("style") or []
    if not isinstance(style, list) or not set(style) <= set(STYLES):
        raise ValueError(f"style must be a list drawn from {', '.join(STYLES)}")
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
        style=tuple(style),
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
