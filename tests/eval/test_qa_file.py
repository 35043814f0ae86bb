"""eval/dev.jsonl, test.jsonl and real.jsonl are sound benchmarks: well-formed, grounded in the cleaned
corpus, covering what they must, and the locked splits (test, real) are the ones whose hashes
eval/README.md records. dev and test were written for the benchmark; real holds real parents' questions
from public pages, so the written splits' quotas (every category, every route) are not asked of it."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from eval.evidence import EvidenceLocator
from eval.qa import CATEGORIES, CONVERSATIONAL, LOCKED, PERSONAS, REAL_FILE, ROUTES, SPLITS, QAItem, load_qa, parse_item
from ingest.pipeline import load_corpus
from loa.settings import Settings

NO_KEY_FACT_CHECK = {"crisis"}  # key facts are the safety message's numbers, not quotes


# per split, at least this many items of each category (issue 12)
MINIMUMS = {
    "crisis": 30,
    "out-of-scope": 30,
    "unanswerable": 30,
    "greeting": 10,
    "vague": 10,
    "non-english": 10,
    "advice": 10,
    "alarming-not-crisis": 20,
}


@pytest.fixture(scope="module", params=sorted(SPLITS))
def split(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def items(split: str) -> list[QAItem]:
    loaded, errors = load_qa(SPLITS[split])
    assert errors == []
    return loaded


@pytest.fixture(scope="module", params=["dev", "test"])
def written(request: pytest.FixtureRequest) -> list[QAItem]:
    """The splits written for the benchmark, with their quotas."""
    return load_qa(SPLITS[request.param])[0]


@pytest.fixture(scope="module")
def locator() -> EvidenceLocator:
    docs, problems = load_corpus(Settings())
    assert problems == []
    return EvidenceLocator({d.info.file: d.text for d in docs})


@pytest.fixture(scope="module")
def manifest_docs() -> set[str]:
    manifest = tomllib.loads((Settings().corpus_dir / "manifest.toml").read_text(encoding="utf-8"))
    return {d["file"] for d in manifest["document"]}


def _lines(split: str) -> list[str]:
    return [line for line in SPLITS[split].read_text(encoding="utf-8").splitlines() if line.strip()]


def test_size_and_every_line_parses(items: list[QAItem], split: str) -> None:
    assert len(items) == len(_lines(split)) >= (80 if split == "real" else 300)


def test_ids_are_unique(split: str) -> None:
    raw_ids = [json.loads(line)["id"] for line in _lines(split)]
    assert len(raw_ids) == len(set(raw_ids))


def test_category_minimums(written: list[QAItem]) -> None:
    counts = Counter(i.category for i in written)
    short = {c: counts[c] for c, n in MINIMUMS.items() if counts[c] < n}
    assert short == {}


def test_crises_mostly_avoid_the_obvious_words(written: list[QAItem]) -> None:
    obvious = re.compile(r"suicid|kill|self[- ]?harm|emergency|abus|danger", re.I)
    crises = [i for i in written if i.category == "crisis"]
    assert sum(1 for i in crises if not obvious.search(i.question)) > len(crises) / 2


def test_every_route_is_expected_somewhere(written: list[QAItem]) -> None:
    assert {i.route for i in written} == set(ROUTES)


def test_splits_share_no_question() -> None:
    questions = {
        name: {" ".join(i.question.lower().split()) for i in load_qa(path)[0]} for name, path in SPLITS.items()
    }
    names = sorted(questions)
    assert all(questions[a] & questions[b] == set() for a in names for b in names if a < b)


@pytest.mark.parametrize("locked", LOCKED)
def test_locked_split_hash_is_recorded(locked: str) -> None:
    """A locked split changes only in an explained commit that also updates eval/README.md."""
    path = SPLITS[locked]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    assert f"sha256 of {path.name}: `{digest}`" in readme


def test_real_questions_are_real_and_mostly_answerable() -> None:
    """Each keeps its source's address; at least 45 can be answered from the documents, at least in part;
    and the split has what real questions do: long stories, several worries, misspellings."""
    items = load_qa(REAL_FILE)[0]
    raw = [json.loads(line) for line in _lines("real")]
    assert all(str(r.get("source_url", "")).startswith(("https://", "http://")) for r in raw)
    assert sum(1 for i in items if i.answerable and i.category != "crisis") >= 45
    styles = Counter(s for i in items for s in i.style)
    assert min(styles["long-story"], styles["several-questions"], styles["misspelt"]) >= 5, styles
    assert {"unanswerable", "crisis", "advice"} <= {i.category for i in items}


def test_personas_and_categories_valid(items: list[QAItem]) -> None:
    for item in items:
        assert item.persona in PERSONAS, item.id
        assert item.category in CATEGORIES, item.id
        assert item.question.strip() and item.answer.strip(), item.id


def test_every_category_present(written: list[QAItem]) -> None:
    assert set(CATEGORIES) <= {i.category for i in written}
    # the list, spelt out so a renamed category is noticed
    for category in (
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
    ):
        assert category in CATEGORIES


def test_families_are_at_least_45_percent(written: list[QAItem]) -> None:
    personas = Counter(i.persona for i in written)
    assert sum(i.family_phrased for i in written) / len(written) >= 0.45
    assert personas["family"] / len(written) >= 0.45
    assert personas["staff"] and personas["evaluator"]


def test_every_evidence_quote_is_in_the_cleaned_corpus(items: list[QAItem], locator: EvidenceLocator) -> None:
    missing = [
        f"{item.id}: {e.doc}: {e.quote[:60]}"
        for item in items
        for e in item.evidence
        if not locator.locate(e.doc, e.quote)
    ]
    assert missing == []


def test_evidence_names_documents_in_the_manifest(items: list[QAItem], manifest_docs: set[str]) -> None:
    for item in items:
        for e in item.evidence:
            assert e.doc in manifest_docs, item.id


def test_every_document_is_covered(written: list[QAItem], manifest_docs: set[str]) -> None:
    covered = Counter(e.doc for i in written for e in i.evidence)
    assert set(covered) == manifest_docs
    assert all(count >= 5 for count in covered.values()), covered


def test_key_facts_are_quoted_from_the_evidence(items: list[QAItem]) -> None:
    wrong = []
    for item in items:
        if item.refusal_expected or item.category in NO_KEY_FACT_CHECK:
            continue
        quotes = [e.quote.lower() for e in item.evidence]
        wrong += [f"{item.id}: {fact}" for fact in item.key_facts if not any(fact.lower() in q for q in quotes)]
    assert wrong == []


def test_answerable_items_have_key_facts_and_evidence(items: list[QAItem]) -> None:
    for item in items:
        if item.refusal_expected or item.category in ("crisis", "decision", "advice", *CONVERSATIONAL):
            continue
        assert item.key_facts and item.evidence, item.id


def test_conversational_items_expect_a_reply_not_facts(items: list[QAItem]) -> None:
    for item in (i for i in items if i.category in CONVERSATIONAL):
        assert not item.refusal_expected and item.key_facts == () and item.evidence == (), item.id


def test_refusal_items_have_no_evidence_or_key_facts(items: list[QAItem]) -> None:
    refusals = [i for i in items if i.refusal_expected]
    assert len(refusals) >= 15
    for item in refusals:
        assert item.evidence == () and item.key_facts == (), item.id
    assert {i.category for i in refusals} <= {"unanswerable", "out-of-scope", "adversarial"}
    assert all(i.refusal_expected for i in items if i.category in ("unanswerable", "out-of-scope"))


def test_crisis_items_expect_the_emergency_numbers(items: list[QAItem]) -> None:
    for item in (i for i in items if i.category == "crisis"):
        assert not item.refusal_expected
        assert {"999", "111"} <= set(item.key_facts), item.id


def test_follow_ups_carry_history(items: list[QAItem]) -> None:
    for item in (i for i in items if i.category == "follow-up"):
        assert item.history and all(t["role"] in ("user", "assistant") for t in item.history), item.id


def test_conflict_items_quote_two_documents(items: list[QAItem]) -> None:
    for item in (i for i in items if i.category in ("conflict", "draft-vs-published")):
        assert len({e.doc for e in item.evidence}) == 2, item.id
        assert len(item.key_facts) >= 2, item.id


# -- the loader -----------------------------------------------------------------------------------


def _item(**changes: object) -> dict:
    base = {
        "id": "t1",
        "question": "what is portage?",
        "persona": "family",
        "category": "fact",
        "answer": "A home visiting service.",
        "key_facts": ["home visiting"],
        "evidence": [{"doc": "learning-inclusion-service.txt", "quote": "home visiting"}],
        "refusal_expected": False,
    }
    return {**base, **changes}


def test_load_qa_reports_bad_lines_with_numbers(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(_item()),
                "{oops",
                json.dumps(_item(id="t2", persona="teacher")),
                "",
                json.dumps(_item(id="t3", category="trivia")),
                json.dumps(_item()),  # duplicate id
                json.dumps(_item(id="t4", refusal_expected="no")),
                json.dumps(_item(id="t5")),
            ]
        ),
        encoding="utf-8",
    )
    items, errors = load_qa(path)
    assert [i.id for i in items] == ["t1", "t5"]
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 5", "line 6", "line 7"]
    assert "not valid JSON" in errors[0]
    assert "persona" in errors[1]
    assert "trivia" in errors[2]
    assert "duplicate id t1" in errors[3]
    assert "refusal_expected" in errors[4]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "not a JSON object"),
        ({"id": "x"}, "missing"),
        (_item(question="  "), "question"),
        (_item(key_facts="home visiting"), "key_facts"),
        (_item(evidence=[{"doc": "x"}]), "evidence"),
        (_item(history=[{"role": "user"}]), "history"),
    ],
)
def test_parse_item_rejects(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_item(data)
