"""One embedding path on ONNX Runtime: the same vectors as sentence-transformers, no torch when serving."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from loa.embedding import OnnxMiniLM, embed_model, model_dir, onnx_file
from loa.settings import PROJECT_ROOT, Settings, child_env


@pytest.mark.quality
def test_onnx_vectors_match_sentence_transformers_on_every_corpus_sentence() -> None:
    from sentence_transformers import SentenceTransformer

    from ingest.pipeline import load_corpus
    from loa.units import split_units

    docs, _ = load_corpus(Settings())
    sentences = sorted({u.text for d in docs for chunk in d.chunks for u in split_units(chunk.text, 0)})
    assert len(sentences) > 500
    ours = OnnxMiniLM(onnx_file(Settings().cache_dir)).encode(sentences)
    reference = SentenceTransformer(str(model_dir()), device="cpu").encode(
        sentences, batch_size=64, normalize_embeddings=True, convert_to_numpy=True
    )
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() > 0.999, sentences[int(np.argmin(cosines))]


def test_the_export_is_cached_by_the_weights_hash() -> None:
    cache = Settings().cache_dir
    first = onnx_file(cache)
    stamp = first.stat().st_mtime_ns
    assert first.parent == cache / "onnx" and first.name.startswith("minilm-")
    assert onnx_file(cache) == first and first.stat().st_mtime_ns == stamp  # not exported again
    vectors = embed_model(Settings()).get_text_embedding_batch(["Portage visits families at home.", "bins"])
    assert np.allclose(np.linalg.norm(np.asarray(vectors), axis=1), 1.0, atol=1e-5)


def test_serving_and_ingest_never_import_torch() -> None:
    code = (
        "import sys, app, bot.assistant, ingest.pipeline, eval.runner\n"
        "from loa.embedding import embed_model\n"
        "embed_model().get_query_embedding('what is portage?')\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=child_env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["False", "False"]
