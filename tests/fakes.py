"""Deterministic stand-ins for the embedding model (like llama-index's MockEmbedding).

HashEmbedding maps each word to a fixed direction, so texts sharing words are
close: enough for retrieval tests to mean something, in microseconds.
"""

from __future__ import annotations

import hashlib
import math
import re
import time

from llama_index.core.base.embeddings.base import BaseEmbedding

DIM = 64


def hash_vector(text: str, dim: int = DIM) -> list[float]:
    vector = [0.0] * dim
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        digest = hashlib.md5(word.encode()).digest()
        vector[digest[0] % dim] += 1.0 if digest[1] % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


class HashEmbedding(BaseEmbedding):
    def _get_text_embedding(self, text: str) -> list[float]:
        return hash_vector(text)

    def _get_query_embedding(self, query: str) -> list[float]:
        return hash_vector(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return hash_vector(query)


class SlowEmbedding(HashEmbedding):
    """Announces itself and then hangs: lets a test kill ingest mid-embedding."""

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        print("EMBEDDING-STARTED", flush=True)
        time.sleep(60)
        return [hash_vector(t) for t in texts]
