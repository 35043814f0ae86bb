"""Cleaning mends the layout and loses nothing."""

from __future__ import annotations

import re

import pytest

from ingest.clean import render, to_blocks
from ingest.manifest import load_manifest
from ingest.sections import split_headings
from tests.conftest import CORPUS

DOCS = [info.file for info in load_manifest(CORPUS)[0]]


def cleaned(name: str) -> str:
    return render(split_headings(to_blocks((CORPUS / name).read_text(encoding="utf-8"))))


def skeleton(text: str) -> str:
    """Text with whitespace and bullet marks removed: what 'nothing lost' compares."""
    return re.sub(r"[\s•]+", "", text)


def source_sentences(text: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", text)
    parts = re.split(r"(?<=[.!?])\s+|\n\s*\n", text)
    return [p for p in parts if sum(ch.isalpha() for ch in p) >= 3]


@pytest.mark.parametrize("name", DOCS)
def test_every_sentence_survives_cleaning(name: str) -> None:
    source = (CORPUS / name).read_text(encoding="utf-8")
    text = skeleton(cleaned(name))
    lost = [s for s in source_sentences(source) if skeleton(s) not in text]
    assert not lost, f"{len(lost)} sentences lost, e.g. {lost[:3]}"


@pytest.mark.parametrize("name", DOCS)
def test_no_markup_stray_bullets_or_blank_runs(name: str) -> None:
    text = cleaned(name)
    assert not re.search(r"</?(p|ul|li)\b", text)
    assert "\n\n\n" not in text
    assert not re.search(r"^\s*•\s*$", text, re.M), "a bullet with nothing after it"


def test_table_rows_keep_their_labels() -> None:
    text = cleaned("mainstream-school-offer.txt")
    assert "Budget\n\n• All schools will have an identified budget for supporting SEND." in text
    assert "Workforce development and training\n\n• All staff will have" in text
    # the policies list lost its tags: its items are split back out
    assert "• Teaching and learning\n• Safeguarding/child protection" in text
    assert "• Health and Safety\n" in text


def test_pdf_line_breaks_inside_sentences_are_joined() -> None:
    text = cleaned("send-inclusion-strategy-2021-draft.txt")
    assert "16% of learners in Leeds in schools have an identified SEND." in text
    assert "The number of active EHCPs increased from 2041 in 2014, to 5006 at the time of writing in 2021." in text
    assert "1. We will promote and support early identification" in text


def test_contact_lines_stay_on_their_own_lines() -> None:
    text = cleaned("learning-inclusion-service.txt")
    assert "Email: SEND@leeds.gov.uk\nPhone: 0113 3782888" in text


def test_wrapped_list_item_is_joined() -> None:
    text = cleaned("send-policies.txt")
    assert "so they can pursue opportunities to realise their potential." in text
