"""Relevance as a retriever: chunks ranked by their best sentence's probability, for llama-index's fusion.

It reads the judgement the retrieve stage made for the question's vector (bot/relevance/model.py)
and judges the question itself when there is none (a search from the staff area, say).
"""

from __future__ import annotations

import numpy as np

from bot.relevance.model import Relevance


def _relevance_retriever_class():  # noqa: ANN202 - defined lazily to keep llama-index off the import path
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle

    class _ByRelevance(BaseRetriever):
        def __init__(self, relevance: Relevance, nodes: list, k: int) -> None:  # noqa: ANN001
            super().__init__()
            self.relevance, self.k = relevance, k
            self.by_id = {node.node_id: node for node in nodes}

        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            vector = np.asarray(query_bundle.embedding, dtype=np.float32)
            judged = self.relevance.recent(vector) or self.relevance.judge(query_bundle.query_str, vector)
            top = sorted(judged.by_chunk.items(), key=lambda kv: -kv[1])[: self.k]
            return [NodeWithScore(node=self.by_id[i], score=p) for i, p in top if i in self.by_id]

    return _ByRelevance


def RelevanceRetriever(relevance: Relevance, nodes: list, k: int):  # noqa: ANN001, ANN201, N802 - a factory
    return _relevance_retriever_class()(relevance, nodes, k)
