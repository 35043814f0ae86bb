"""all-MiniLM-L6-v2 in plain numpy, for embedding questions without importing torch.

Importing sentence-transformers costs about 10 s; answering one question needs
only a forward pass of six small transformer layers. This runs the same
bundled weights (safetensors) with the model's own tokenizer, BERT's forward
pass and the model's mean pooling. tests/loa/test_minilm.py checks it against
sentence-transformers (cosine > 0.9999); eval/README.md has the cold-start numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

_EPS = 1e-12
_LINEAR = ("dense.weight", "query.weight", "key.weight", "value.weight")


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz & Stegun 7.1.26 (error < 1.5e-7): exact GELU without importing scipy."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


class MiniLM:
    """Encodes texts to unit-length 384-dimensional vectors, like the sentence-transformers model."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        max_len = int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_len)
        weights = load_file(str(model_dir / "model.safetensors"))
        # linear weights stored transposed and contiguous, as the matrix products want them
        self.w = {
            k: np.ascontiguousarray(v.T if k.endswith(_LINEAR) else v, dtype=np.float32) for k, v in weights.items()
        }

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def encode_one(self, text: str) -> np.ndarray:
        ids = np.asarray(self.tokenizer.encode(text).ids, dtype=np.int64)
        w = self.w
        x = w["embeddings.word_embeddings.weight"][ids]
        x = x + w["embeddings.position_embeddings.weight"][: len(ids)] + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        n, d = x.shape
        head = d // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q = self._linear(x, f"{p}.attention.self.query").reshape(n, self.heads, head).transpose(1, 0, 2)
            k = self._linear(x, f"{p}.attention.self.key").reshape(n, self.heads, head).transpose(1, 0, 2)
            v = self._linear(x, f"{p}.attention.self.value").reshape(n, self.heads, head).transpose(1, 0, 2)
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(head)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attention = (scores / scores.sum(-1, keepdims=True)) @ v
            attention = attention.transpose(1, 0, 2).reshape(n, d)
            x = _layer_norm(
                x + self._linear(attention, f"{p}.attention.output.dense"),
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
            )
            hidden = self._linear(x, f"{p}.intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + _erf(hidden / np.sqrt(2.0)))
            x = _layer_norm(
                x + self._linear(hidden, f"{p}.output.dense"),
                w[f"{p}.output.LayerNorm.weight"],
                w[f"{p}.output.LayerNorm.bias"],
            )
        pooled = x.mean(0)
        return pooled / max(float(np.linalg.norm(pooled)), _EPS)
