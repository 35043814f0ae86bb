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
    sentence_k: int = 10  # 0 turns off the best-sentence retriever
    relevance_k: int = 10  # chunks from the question bank's relevance model (when the bot has one); 0: off
    # chosen with `python -m eval.tune retrieval` (eval/README.md): distance-based fusion with
    # these weights beat reciprocal rank on MRR (0.722 vs 0.670) and hit@1 (0.59 vs 0.50)
    mode: str = "dist_based_score"
    weights: tuple[float, ...] | None = (0.3, 0.4, 0.3)  # per retriever: dense, BM25, best sentence
    relevance_weight: float = 2.0  # the relevance leg's weight beside those (`python -m eval.tune relevance`)
    expand_dense: bool = False  # embed the expanded question instead of the question


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
        from llama_index.core.vector_stores.utils import metadata_dict_to_node
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.embed_model = embed_model
        got = collection.get(include=["documents", "metadatas", "embeddings"])
        self.nodes = [metadata_dict_to_node(dict(m), text=t) for t, m in zip(got["documents"], got["metadatas"])]
        self.passages = {
            node.node_id: Passage.from_metadata(node.node_id, node.get_content(), node.metadata) for node in self.nodes
        }
        self._ids = list(got["ids"])
        self._vectors = np.asarray(got["embeddings"], dtype=np.float32)
        self._row = {id_: i for i, id_ in enumerate(self._ids)}
        self._recent: dict[str, np.ndarray] = {}  # the last questions' vectors (embed_query)
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
        self._index = index
        self.relevance = None  # bot/relevance/: set by use_relevance when the bot has a question bank
        self._build_fusion(config)

    def use_relevance(self, relevance) -> None:  # noqa: ANN001 - bot.relevance.model.Relevance
        """Add the question bank's relevance model to the fused retrievers."""
        self.relevance = relevance
        self._build_fusion(self.config)

    def _build_fusion(self, config: RetrievalSettings) -> None:
        from llama_index.core.llms import MockLLM
        from llama_index.core.retrievers import QueryFusionRetriever
        from llama_index.retrievers.bm25 import BM25Retriever

        self.config = config
        retrievers = []
        if config.dense_k:
            retrievers.append(self._index.as_retriever(similarity_top_k=config.dense_k))
        if config.sparse_k:
            retrievers.append(BM25Retriever(nodes=self.nodes, similarity_top_k=min(config.sparse_k, len(self.nodes))))
        if config.sentence_k and self._unit_rows:
            retrievers.append(BestSentenceRetriever(self, config.sentence_k))
        weights = list(config.weights[: len(retrievers)]) if config.weights else None
        if config.relevance_k and self.relevance is not None:
            from bot.relevance.retriever import RelevanceRetriever

            retrievers.append(RelevanceRetriever(self.relevance, self.nodes, config.relevance_k))
            weights = weights + [config.relevance_weight] if weights else None
        self.fusion = QueryFusionRetriever(
            retrievers,
            mode=config.mode,
            num_queries=1,  # no LLM rewriting the question
            use_async=False,
            similarity_top_k=config.top_k,
            llm=MockLLM(),
            retriever_weights=weights,
        )

    def embed_query(self, text: str) -> np.ndarray:
        """The question's vector; the last few are kept, since the route stage and retrieval embed the same text."""
        vector = self._recent.get(text)
        if vector is None:
            vector = np.asarray(self.embed_model.get_query_embedding(text), dtype=np.float32)
            if len(self._recent) >= 32:
                self._recent.clear()  # cheap and thread-safe; the memo only spares a second embedding of one text
            self._recent[text] = vector
        return vector

    @property
    def sentence_vectors(self) -> np.ndarray:
        return self._unit_vectors

    @property
    def chunk_vectors(self) -> np.ndarray:
        return self._vectors

    def similarity(self, query_vector: np.ndarray, ids: list[str]) -> list[float]:
        rows = [self._row[i] for i in ids]
        return (self._vectors[rows] @ query_vector).tolist()

    def similarities(self, query_vector: np.ndarray) -> dict[str, float]:
        """The question's similarity to every chunk, by id."""
        sims = self._vectors @ query_vector
        return {chunk_id: float(sims[row]) for chunk_id, row in self._row.items()}

    def unit_vector(self, chunk_id: str, position: int) -> np.ndarray:
        row = self._unit_rows.get(chunk_id, {}).get(position)
        return self._unit_vectors[row] if row is not None else np.zeros(self._unit_vectors.shape[1], np.float32)

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

        if vector is None:
            vector = self.embed_query(expanded if self.config.expand_dense and expanded else question)
        bundle = QueryBundle(query_str=expanded or question, embedding=vector.tolist())
        results = self.fusion.retrieve(bundle)
        ids = [r.node.node_id for r in results]
        dense = self.similarity(vector, ids)
        return [
            _with_scores(self.passages[r.node.node_id], score=float(r.score or 0.0), dense=d)
            for r, d in zip(results, dense)
        ]


def best_sentence_scores(retriever: HybridRetriever, query_vector: np.ndarray) -> dict[str, float]:
    """Each chunk scored by its best-matching sentence or list item."""
    sims = retriever._unit_vectors @ query_vector
    return {chunk: float(max(sims[r] for r in rows.values())) for chunk, rows in retriever._unit_rows.items()}


def _best_sentence_retriever_class():  # noqa: ANN202 - defined lazily to keep llama-index off the import path
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle

    class _BestSentence(BaseRetriever):
        """Chunks ranked by their single best sentence: precise where a chunk says many things."""

        def __init__(self, hybrid: HybridRetriever, k: int) -> None:
            super().__init__()
            self.hybrid, self.k = hybrid, k
            self.by_id = {node.node_id: node for node in hybrid.nodes}

        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            vector = np.asarray(query_bundle.embedding, dtype=np.float32)
            scores = best_sentence_scores(self.hybrid, vector)
            top = sorted(scores.items(), key=lambda kv: -kv[1])[: self.k]
            return [NodeWithScore(node=self.by_id[i], score=s) for i, s in top if i in self.by_id]

    return _BestSentence


def BestSentenceRetriever(hybrid: HybridRetriever, k: int):  # noqa: ANN201, N802 - a factory named like the class
    return _best_sentence_retriever_class()(hybrid, k)


def _with_scores(passage: Passage, *, score: float, dense: float) -> Passage:
    from dataclasses import replace

    return replace(passage, score=score, dense=dense)
