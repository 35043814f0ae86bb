"""Proposed questions for thin sections: only with an LLM, written for review, never a copy or a repeat."""

from __future__ import annotations

import json

import pytest
from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback

from ingest.pipeline import load_corpus
from ingest.propose import PROPOSED_DIR, ProposeSettings, propose_all, questions_in
from loa.questions import QuestionBank
from loa.settings import Settings


class ListingLLM(CustomLLM):
    """A deterministic stand-in: lists the same questions for every section, plus one the bank already holds."""

    reply: str = ""
    calls: int = 0

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="listing")

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: object) -> CompletionResponse:
        self.calls += 1
        section = prompt.split("Here is the context:\n", 1)[-1].splitlines()[0]
        return CompletionResponse(text=f"1. Who is {section[-40:]} for?\n2) {self.reply}\nNot a question.")

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: object):  # noqa: ANN201
        yield self.complete(prompt)


def test_questions_are_read_from_numbered_or_bulleted_lines() -> None:
    reply = "Here are some questions:\n1. What is portage?\n- Who can refer?\n* ok\nQ3: How old must my child be?"
    assert questions_in(reply) == ["What is portage?", "Who can refer?", "How old must my child be?"]


def test_thin_sections_get_proposals_for_review_that_the_bot_never_reads(settings: Settings) -> None:
    questions_dir = settings.corpus_dir / "questions"
    bank = QuestionBank.load(questions_dir)
    llm = ListingLLM(reply=bank.entries[0].question)
    docs = load_corpus(settings)[0]
    thin = ProposeSettings(min_questions=15)  # the real bank leaves 13 sections under 15
    proposals, files = propose_all(questions_dir, docs, llm, lambda q: "copied" in q, thin)
    assert llm.calls > 0 and proposals and files
    assert all(f.parent == questions_dir / PROPOSED_DIR for f in files)
    assert bank.entries[0].question not in {p.question for p in proposals}  # the bank has it already
    line = json.loads(files[0].read_text(encoding="utf-8").splitlines()[0])
    assert line["status"] == "proposed" and line["near"]["doc"] and line["proposed_by"] == "listing"
    assert QuestionBank.load(questions_dir).digest == bank.digest  # the bank, and what is learned from it, unchanged
    again, _ = propose_all(questions_dir, docs, ListingLLM(reply="copied text?"), lambda q: "copied" in q, thin)
    assert again == []  # proposed before, or a copy of a locked question


def test_without_an_llm_it_says_what_to_set(run_ingest) -> None:  # noqa: ANN001
    done = run_ingest("--propose-questions", "--quiet", LOA_LLM="none")
    assert done.returncode == 2 and "set LOA_LLM" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.llm_server
def test_the_real_small_model_proposes_through_the_same_path(settings: Settings) -> None:
    """SmolLM2-135M on a local llama-cpp server: too weak to write answers, but the path is the one a real LLM takes."""
    from bot.llm.backends import make_llm
    from eval.llm_server import ALIAS, smollm2_server
    from ingest.propose import Proposer

    doc = next(d for d in load_corpus(settings)[0] if d.info.file == "learning-inclusion-service.txt")
    chunk = next(c for c in doc.chunks if "Portage" in c.section)
    with smollm2_server() as url:
        llm = make_llm(settings.with_(llm="openai-like", llm_model=ALIAS, llm_base_url=url, llm_timeout=120.0))
        proposer = Proposer(llm, [], settings=ProposeSettings(per_section=3))
        proposed = proposer.propose(chunk.doc, chunk.section, chunk.text)
    assert all(p.question.endswith("?") and p.section == chunk.section for p in proposed)
    print([p.question for p in proposed])
