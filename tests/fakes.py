"""Deterministic stand-ins for the embedding model (like llama-index's MockEmbedding).

HashEmbedding maps each word to a fixed direction, so texts sharing words are
close: enough for retrieval tests to mean something, in microseconds.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.base.llms.types import CompletionResponse, CompletionResponseGen, LLMMetadata
from llama_index.core.bridge.pydantic import Field
from llama_index.core.llms.callbacks import llm_completion_callback
from llama_index.core.llms.custom import CustomLLM

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


class ScriptedLLM(CustomLLM):
    """An LLM that writes what the test tells it to (like llama-index's MockLLM), streamed a few
    characters at a time; `script` may read the prompt. `failure` is raised instead, mid-stream
    when `fail_after` characters were sent."""

    script: Any = ""
    failure: Any = None
    fail_after: int = 0
    chunk_seconds: float = 0.0  # a pause before each chunk: a model that streams slowly but steadily
    prompts: list = Field(default_factory=list)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="scripted")

    def _text(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.script(prompt) if callable(self.script) else self.script

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        if self.failure is not None:
            raise self.failure
        text = self._text(prompt)
        return CompletionResponse(text=text)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        text = self._text(prompt)

        def gen() -> CompletionResponseGen:
            sent = ""
            if not text:
                yield CompletionResponse(text="", delta="")  # a real server sends at least one chunk
            for i in range(0, len(text), 7):
                if self.failure is not None and len(sent) >= self.fail_after:
                    raise self.failure
                time.sleep(self.chunk_seconds)
                delta = text[i : i + 7]
                sent += delta
                yield CompletionResponse(text=sent, delta=delta)
            if self.failure is not None:
                raise self.failure

        return gen()
