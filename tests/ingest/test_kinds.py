"""Families' comments are marked at ingest, so no answer states one as a fact."""

from __future__ import annotations

from ingest.chunk import clean_document
from ingest.clean import to_blocks
from ingest.kinds import comment_paragraphs, comment_positions
from ingest.manifest import load_manifest
from ingest.sections import split_headings
from tests.conftest import CORPUS

INFOS = {info.file: info for info in load_manifest(CORPUS)[0]}
DRAFT = "send-inclusion-strategy-2021-draft.txt"


def comments_of(name: str) -> list[str]:
    return comment_paragraphs(split_headings(to_blocks((CORPUS / name).read_text(encoding="utf-8"))))


def test_the_draft_strategys_quote_boxes_are_comments() -> None:
    found = comments_of(DRAFT)
    assert "The key worker has been brilliant!" in found
    assert any(c.startswith("It took 2 years to get the autism") for c in found)
    # the first comment was joined onto its lead-in sentence by PDF cleaning, and is still found alone
    assert "The support worker is knowledgeable and skilled. She has helped us in so many ways." in found
    # the strategy speaking again ends the run
    assert not any(c.startswith("This strategy is about") for c in found)


def test_service_pages_hold_no_comments() -> None:
    for name in INFOS:
        if name != DRAFT:
            assert comments_of(name) == [], name


def test_a_unit_is_a_comment_when_it_lies_inside_one_or_opens_with_one() -> None:
    comments = ["The key worker has been brilliant!", "We have a really good GP. He really listens."]
    text = (
        "Some families have told us about good experiences: We have a really good GP. He really listens.\n"
        "The key worker has been brilliant! Our strategy has six priorities."
    )
    assert comment_positions(text, comments) == [0, 1, 2]


def test_chunks_record_their_comment_units() -> None:
    raw = (CORPUS / DRAFT).read_text(encoding="utf-8")
    doc = clean_document(INFOS[DRAFT], raw, 160, 20)
    marked = [c for c in doc.chunks if c.comments]
    assert marked and all(c.metadata(INFOS[DRAFT])["comments"] for c in marked)
    holding = next(c for c in doc.chunks if "It took 2 years" in c.text)
    assert holding.comments
