"""Hybrid retrieval: dense (MiniLM through Chroma) + BM25, fused by reciprocal rank.

Built from llama-index parts: a VectorStoreIndex over the ChromaVectorStore,
a BM25Retriever over the same chunks, and QueryFusionRetriever in
reciprocal-rank mode. BM25 is rebuilt from the chunks stored in the index when
the bot starts (a few milliseconds), so its state always follows the index,
on disk or on a Chroma server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.answer import Passage

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection
    from llama_index.core.base.embeddings.base import BaseEmbedding


@dataclass(frozen=True)
class RetrievalSettings:
    top_k: int = 10  # fused results kept (the composer reads the first few)
    dense_k: int = 10  # candidates from each retriever before fusion
    sparse_k: int = 10


class HybridRetriever:
    """Finds the passages for a question; also gives the whole corpus's chunks to the composer."""

    def __init__(
        self,
        collection: Collection,
        embed_model: BaseEmbedding,
        config: RetrievalSettings,
        units: Collection | None = None,
    ) -> None:
        from llama_index.core import VectorStoreIndex
        from llama_index.core.llms import MockLLM
        from llama_index.core.retrievers import QueryFusionRetriever
        from llama_index.core.vector_stores.utils import metadata_dict_to_node
        from llama_index.retrievers.bm25 import BM25Retriever
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.config = config
        self.embed_model = embed_model
        got = collection.get(include=["documents", "metadatas", "embeddings"])
        self.nodes = [metadata_dict_to_node(dict(m), text=t) for t, m in zip(got["documents"], got["metadatas"])]
        self.passages = {
            node.node_id: Passage.from_metadata(node.node_id, node.get_content(), node.metadata) for node in self.nodes
        }
        self._ids = list(got["ids"])
        self._vectors = np.asarray(got["embeddings"], dtype=np.float32)
        self._row = {id_: i for i, id_ in enumerate(self._ids)}
        # sentence and list-item vectors, precomputed at ingest: chunk id -> {position: row}
        self._unit_rows: dict[str, dict[int, int]] = {}
        self._unit_vectors = np.zeros((0, self._vectors.shape[1] if self._vectors.size else 384), dtype=np.float32)
        if units is not None:
            got_units = units.get(include=["metadatas", "embeddings"])
            self._unit_vectors = np.asarray(got_units["embeddings"], dtype=np.float32)
            for row, meta in enumerate(got_units["metadatas"]):
                self._unit_rows.setdefault(str(meta["chunk"]), {})[int(meta["position"])] = row
        index = VectorStoreIndex.from_vector_store(
            ChromaVectorStore(chroma_collection=collection), embed_model=embed_model
        )
        self.dense = index.as_retriever(similarity_top_k=config.dense_k)
        self.sparse = BM25Retriever(nodes=self.nodes, similarity_top_k=min(config.sparse_k, len(self.nodes)))
        self.fusion = QueryFusionRetriever(
            [self.dense, self.sparse],
            mode="reciprocal_rerank",
            num_queries=1,  # no LLM rewriting the question
            use_async=False,
            similarity_top_k=config.top_k,
            llm=MockLLM(),
        )

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self.embed_model.get_query_embedding(text), dtype=np.float32)

    def similarity(self, query_vector: np.ndarray, ids: list[str]) -> list[float]:
        rows = [self._row[i] for i in ids]
        return (self._vectors[rows] @ query_vector).tolist()

    def unit_similarity(self, query_vector: np.ndarray, chunk_id: str) -> dict[int, float]:
        """Cosine of the question with each sentence / list item of a chunk, by position."""
        rows = self._unit_rows.get(chunk_id, {})
        if not rows:
            return {}
        positions = list(rows)
        sims = self._unit_vectors[[rows[p] for p in positions]] @ query_vector
        return dict(zip(positions, sims.tolist()))

    def retrieve(self, question: str, expanded: str | None = None, vector: np.ndarray | None = None) -> list[Passage]:
        """Dense search on the question's embedding, BM25 on the expanded words, fused."""
        from llama_index.core.schema import QueryBundle

        vector = self.embed_query(question) if vector is None else vector
        bundle = QueryBundle(query_str=expanded or question, embedding=vector.tolist())
        results = self.fusion.retrieve(bundle)
        ids = [r.node.node_id for r in results]
        dense = self.similarity(vector, ids)
        return [
            _with_scores(self.passages[r.node.node_id], score=float(r.score or 0.0), dense=d)
            for r, d in zip(results, dense)
        ]


def _with_scores(passage: Passage, *, score: float, dense: float) -> Passage:
    from dataclasses import replace

    return replace(passage, score=score, dense=dense)
