"""Over the whole locked test split: no answer states a families' comment as fact, and no link line
stands as an answer sentence. (Read here to check behaviour, never to tune.)"""

from __future__ import annotations

import re

import pytest

from bot.wording import PATTERNS
from eval.qa import TEST_FILE, load_qa
from ingest.clean import to_blocks
from ingest.kinds import comment_paragraphs
from ingest.manifest import load_manifest
from ingest.sections import split_headings
from tests.conftest import CORPUS

pytestmark = pytest.mark.quality
_MARKER = re.compile(r"\s*\[\d+(?:,\s*\d+)*\]")


def _comments() -> list[str]:
    found = []
    for info in load_manifest(CORPUS)[0]:
        found += comment_paragraphs(split_headings(to_blocks((CORPUS / info.file).read_text(encoding="utf-8"))))
    return [" ".join(c.split()) for c in found]


def test_no_comment_or_link_line_is_stated_as_fact_over_the_test_split(real_bot) -> None:  # noqa: ANN001
    comments = _comments()
    assert comments
    stated, links = [], []
    for item in load_qa(TEST_FILE)[0]:
        answer = real_bot.ask(item.question, list(item.history))
        asks_views = bool(PATTERNS["asks_views"].search(item.question))
        for piece in answer.sentences:
            text = " ".join(_MARKER.sub("", piece).removeprefix("- ").split())
            if not asks_views and any(c in text or text in c for c in comments if len(text) > 25):
                stated.append(f"{item.id}: {text[:80]}")
            if PATTERNS["link_line"].search(text):
                links.append(f"{item.id}: {text[:80]}")
    assert stated == [] and links == []
