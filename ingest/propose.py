"""Proposed questions for sections the question bank covers thinly, written by the configured LLM for staff to review.

Only with ``LOA_LLM`` set (`python -m ingest --propose-questions`); the default path needs no LLM. llama-index's
``QuestionsAnsweredExtractor`` reads each thin section (one with substantive text and fewer bank questions than
``ProposeSettings.min_questions``) and proposes questions it answers. They go to
``corpus/questions/proposed/<document>.jsonl``, which the bot never reads: a writer checks each, links the
sentences that answer it (or marks it a hard negative) and moves it into the bank. A proposal that copies a
locked eval question, or repeats a bank question or an earlier proposal, is dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.chunk import CleanDocument
from ingest.questions import Coverage, check
from loa.questions import QuestionBank, norm

PROPOSED_DIR = "proposed"  # below corpus/questions/; QuestionBank.load reads only the folder's own files


@dataclass(frozen=True)
class ProposeSettings:
    min_questions: int = 10  # a section answering fewer bank questions than this is thin (the bank aims at 10-20)
    min_sentences: int = 3  # a section with fewer sentences has too little to ask about (a heading, a link line)
    per_section: int = 5  # questions asked of the LLM for each thin section
    max_chars: int = 3000  # of a section's text in the prompt: small local models have small context windows


@dataclass(frozen=True)
class Proposal:
    doc: str
    section: str
    question: str
    proposed_by: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "question": self.question,
                "near": {"doc": self.doc, "section": self.section, "text": ""},
                "status": "proposed",
                "proposed_by": self.proposed_by,
            },
            ensure_ascii=False,
        )


def thin_sections(coverage: Coverage, settings: ProposeSettings) -> list[tuple[str, str]]:
    """(document, section) pairs with text enough to ask about and fewer bank questions than wanted."""
    return [
        place
        for place, sentences in sorted(coverage.sections.items())
        if len(sentences) >= settings.min_sentences and coverage.answered[place] < settings.min_questions
    ]


def questions_in(text: str) -> list[str]:
    """The questions in an LLM's reply: numbered or bulleted lines that end in a question mark."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)]|q\d*[:.)])\s*", "", line, flags=re.I).strip()
        if line.endswith("?") and 3 <= len(line.split()) <= 40:
            found.append(line)
    return found


class Proposer:
    def __init__(
        self,
        llm,  # noqa: ANN001 - any llama-index LLM
        known: list[str],
        is_copy: Callable[[str], bool] = lambda _: False,
        settings: ProposeSettings | None = None,
    ) -> None:
        """``known``: the bank's questions and earlier proposals; ``is_copy``: true for a copy of a locked
        eval question (eval/copies.py), which must never reach data the bot learns from."""
        from llama_index.core.extractors import QuestionsAnsweredExtractor

        self.settings = settings or ProposeSettings()
        self.extractor = QuestionsAnsweredExtractor(llm=llm, questions=self.settings.per_section, num_workers=1)
        self.model = str(getattr(llm.metadata, "model_name", "") or type(llm).__name__)
        self.is_copy = is_copy
        self.seen = {norm(q) for q in known}

    def propose(self, doc: str, section: str, text: str) -> list[Proposal]:
        from llama_index.core.schema import TextNode

        node = TextNode(text=f"{section}\n\n{text[: self.settings.max_chars]}")
        reply = self.extractor.extract([node])[0].get("questions_this_excerpt_can_answer", "")
        kept = []
        for question in questions_in(reply):
            if norm(question) in self.seen or self.is_copy(question):
                continue
            self.seen.add(norm(question))
            kept.append(Proposal(doc, section, question, self.model))
        return kept


def write_proposals(questions_dir: Path, proposals: list[Proposal]) -> list[Path]:
    """Appended to corpus/questions/proposed/<document>.jsonl, so earlier proposals under review stay."""
    folder = questions_dir / PROPOSED_DIR
    written: dict[Path, list[str]] = {}
    for p in proposals:
        written.setdefault(folder / f"{p.doc.rsplit('.', 1)[0]}.jsonl", []).append(p.to_json())
    for path, lines in written.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    return sorted(written)


def earlier_proposals(questions_dir: Path) -> list[str]:
    """Questions proposed before and not yet moved into the bank: never proposed twice."""
    found = []
    for path in sorted((questions_dir / PROPOSED_DIR).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                found.append(str(json.loads(line)["question"]))
            except (ValueError, KeyError, TypeError):
                continue
    return found


def propose_all(
    questions_dir: Path,
    docs: list[CleanDocument],
    llm,  # noqa: ANN001
    is_copy: Callable[[str], bool],
    settings: ProposeSettings | None = None,
    progress: Callable[[int, int, str], None] = lambda done, total, section: None,
) -> tuple[list[Proposal], list[Path]]:
    """Proposals for every thin section, written for review; what was proposed and the files written."""
    settings = settings or ProposeSettings()
    bank = QuestionBank.load(questions_dir)
    texts: dict[tuple[str, str], str] = {}
    for doc in docs:
        for chunk in doc.chunks:
            texts[(chunk.doc, chunk.section)] = f"{texts.get((chunk.doc, chunk.section), '')} {chunk.text}".strip()
    known = [e.question for e in bank.entries] + earlier_proposals(questions_dir)
    proposer = Proposer(llm, known, is_copy, settings)
    places = thin_sections(check(bank, docs), settings)
    proposals: list[Proposal] = []
    for done, (doc, section) in enumerate(places, start=1):
        proposals += proposer.propose(doc, section, texts.get((doc, section), ""))
        progress(done, len(places), section)
    return proposals, write_proposals(questions_dir, proposals)
