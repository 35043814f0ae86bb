"""Baselines run on the same questions in the same run.

(a) llama-index defaults: 1024-token chunks (default overlap 200), dense only,
    top-2, and the raw chunks as the answer.
(b) BM25 keyword search over our chunks, top-3, raw chunks as the answer:
    roughly what a site search gives a family.
Both read the cleaned documents, so the comparison is about retrieval and
answering, not about cleaning. Neither ever refuses.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.answer import Passage


@dataclass
class BaselineAnswer:
    answer: str
    passages: list[Passage]
    latency_ms: float
    refused: bool = False


class LlamaIndexDefaults:
    label = "(a) llama-index defaults: 1024-token chunks, dense top-2, raw chunks"

    def __init__(self, cleaned: dict[str, tuple[str, dict]], embed_model) -> None:  # noqa: ANN001
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        from loa.embedding import count_word_pieces

        documents = [
            Document(text=text, metadata={"doc": doc, **meta}, id_=doc) for doc, (text, meta) in cleaned.items()
        ]
        # the library's default chunking (1024 / 200); only its tokenizer is swapped for the
        # bundled model's, because the default one would be downloaded
        splitter = SentenceSplitter(chunk_size=1024, chunk_overlap=200, tokenizer=count_word_pieces)
        self.index = VectorStoreIndex.from_documents(documents, embed_model=embed_model, transformations=[splitter])
        self.retriever = self.index.as_retriever(similarity_top_k=2)
        self.cleaned = cleaned

    def ask(self, question: str) -> BaselineAnswer:
        started = time.perf_counter()
        results = self.retriever.retrieve(question)
        passages = [self._passage(r.node, r.score or 0.0) for r in results]
        return BaselineAnswer("\n\n".join(p.text for p in passages), passages, (time.perf_counter() - started) * 1000)

    def _passage(self, node, score: float) -> Passage:  # noqa: ANN001
        doc = node.metadata["doc"]
        text = node.get_content()
        start = node.start_char_idx if node.start_char_idx is not None else self.cleaned[doc][0].find(text)
        meta = {**node.metadata, "start": start, "end": start + len(text), "section": node.metadata.get("title", "")}
        return Passage.from_metadata(node.node_id, text, meta, score=score)


class BM25Top3:
    label = "(b) BM25 keyword search, top-3 (site search)"

    def __init__(self, nodes: list, passages: dict[str, Passage]) -> None:
        from llama_index.retrievers.bm25 import BM25Retriever

        self.retriever = BM25Retriever(nodes=nodes, similarity_top_k=3)
        self.passages = passages

    def ask(self, question: str) -> BaselineAnswer:
        started = time.perf_counter()
        results = self.retriever.retrieve(question)
        passages = [self.passages[r.node.node_id] for r in results]
        return BaselineAnswer("\n\n".join(p.text for p in passages), passages, (time.perf_counter() - started) * 1000)
