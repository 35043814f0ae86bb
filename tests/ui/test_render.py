"""How an answer is drawn: which path produced it is shown when an LLM wrote it."""

from __future__ import annotations

from bot.answer import Answer
from ui import render, texts


def test_an_llm_answer_says_it_was_written_by_a_model_and_checked() -> None:
    html = render.answer_html(Answer("q", "Portage visits families at home [1].", path="llm"), "m1")
    assert "Written by an AI model" in html and texts.LLM_WRITTEN.split(".")[0] in html


def test_an_extractive_answer_carries_no_such_label() -> None:
    html = render.answer_html(Answer("q", "Portage visits families at home [1]."), "m1")
    assert "AI model" not in html
