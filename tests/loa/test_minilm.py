"""The numpy MiniLM used for questions gives the sentence-transformers vectors."""

from __future__ import annotations

import numpy as np
import pytest

from loa.embedding import ingest_embed_model, model_dir, query_embed_model
from loa.minilm import MiniLM

TEXTS = [
    "my son is 2 and not talking, can someone visit us?",
    "Who do I email about exclusions?",
    "SENCo (Special Educational Needs Coordinator) – ’curly’ quotes, émojis 👍 and numbers 0113 3782888",
    "word " * 600,  # longer than the model reads: both truncate at 256 word pieces
]


@pytest.mark.quality
def test_matches_sentence_transformers() -> None:
    reference = ingest_embed_model()
    ours = query_embed_model()
    for text in TEXTS:
        a = np.asarray(reference.get_query_embedding(text))
        b = np.asarray(ours.get_query_embedding(text))
        assert float(a @ b) > 0.9999, text[:40]


def test_vectors_are_unit_length_and_deterministic() -> None:
    model = MiniLM(model_dir())
    first, second = model.encode_one("Portage home visits"), model.encode_one("Portage home visits")
    assert first.shape == (384,)
    assert abs(float(np.linalg.norm(first)) - 1.0) < 1e-5
    assert np.array_equal(first, second)
    assert float(first @ model.encode_one("home visiting for young children")) > float(
        first @ model.encode_one("council tax bands")
    )
