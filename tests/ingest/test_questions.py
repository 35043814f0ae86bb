"""The question bank against the corpus: the real bank is whole, and a changed document makes entries stale."""

from __future__ import annotations

from collections import Counter

from eval.copies import CopyCheck
from eval.qa import LOCKED, SPLITS, load_qa
from ingest.pipeline import load_corpus
from ingest.questions import check, describe
from loa.questions import QuestionBank
from loa.settings import Settings


def test_the_real_bank_is_big_whole_and_varied() -> None:
    settings = Settings()
    bank = QuestionBank.load(settings.corpus_dir / "questions")
    assert bank.errors == () and len(bank.entries) >= 3000
    coverage = check(bank, load_corpus(settings)[0])
    assert coverage.stale == []
    voices = Counter(e.voice for e in bank.entries)
    assert voices["family"] > len(bank.entries) / 2 and voices["staff"] and voices["evaluator"]
    assert sum(e.negative for e in bank.entries) >= 300 and sum(bool(e.previous) for e in bank.entries) >= 100
    sections = {place for place, n in coverage.answered.items() if n}
    assert {doc for doc, _ in sections} == {d.info.file for d in load_corpus(settings)[0]}
    with_text = [p for p, sentences in coverage.sections.items() if len(sentences) >= 3]
    assert sum(1 for p in with_text if coverage.answered[p] >= 5) / len(with_text) > 0.95


def test_the_bank_copies_no_locked_question() -> None:
    bank = QuestionBank.load(Settings().corpus_dir / "questions")
    for split in LOCKED:
        found = CopyCheck(i.question for i in load_qa(SPLITS[split])[0]).found(e.question for e in bank.entries)
        assert found == [], (split, found[:5])


def test_a_changed_sentence_makes_its_entries_stale(settings: Settings) -> None:
    doc = settings.corpus_dir / "learning-inclusion-service.txt"
    doc.write_text(
        doc.read_text(encoding="utf-8").replace("three-year doctoral", "four-year doctoral"), encoding="utf-8"
    )
    bank = QuestionBank.load(settings.corpus_dir / "questions")
    coverage = check(bank, load_corpus(settings)[0])
    assert coverage.stale and all(any("three-year doctoral" in a.text for a in e.answers) for e in coverage.stale)
    report = describe(coverage)
    assert "Stale entries" in report and coverage.stale[0].id in report


def test_ingest_questions_prints_coverage(run_ingest) -> None:  # noqa: ANN001
    done = run_ingest("--questions", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "question bank: " in done.stdout and "0 stale" in done.stdout
    assert "Portage › How are requests made to the Portage Service?" in done.stdout
