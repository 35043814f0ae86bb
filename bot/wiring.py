"""Builds the trained stages from settings: the route classifier, the understand stage and relevance.

Each trains once on its data files (exemplars, the question bank) and is loaded from the cache after that.
"""

from __future__ import annotations

from pathlib import Path

from bot.retrieve import HybridRetriever
from bot.routing.router import Router
from bot.understand.stage import Understand
from loa.settings import Settings


def router_for(retriever: HybridRetriever, settings: Settings) -> Router:
    """The route stage on the same MiniLM vectors retrieval uses, trained once per set of exemplar files."""
    from bot.routing.model import Domain

    domain = Domain(retriever.sentence_vectors, retriever.chunk_vectors)
    model_id = str(getattr(retriever.embed_model, "model_name", "") or "model")  # a test's fake has its own cache
    return Router.from_defaults(retriever.embed_query, domain, settings.cache_dir, model_id=model_id)


def understand_for(retriever: HybridRetriever, store, active, settings: Settings) -> Understand:  # noqa: ANN001
    """The understand stage on the build's service directory and the intent classifier (trained once, cached)."""
    from bot.understand.intent import IntentClassifier
    from bot.understand.services import ServiceMatcher

    model_id = str(getattr(retriever.embed_model, "model_name", "") or "model")
    intents = IntentClassifier.from_defaults(retriever.embed_query, settings.cache_dir, model_id=model_id)
    texts: dict[str, str] = {}
    for p in retriever.passages.values():
        texts[p.section] = texts.get(p.section, "") + " " + p.text
    return Understand(ServiceMatcher.from_collection(store.services_collection(active), texts), intents)


def relevance_for(retriever: HybridRetriever, settings: Settings, questions_dir: Path | None = None):  # noqa: ANN201
    """The question bank's relevance model (bot/relevance/), trained once per bank and index; None without a bank.
    ``questions_dir``: another bank than the corpus's (eval/answerability_bank.py holds writers out of it)."""
    from bot.relevance.model import Relevance

    model_id = str(getattr(retriever.embed_model, "model_name", "") or "model")
    folder = questions_dir or settings.corpus_dir / "questions"
    return Relevance.from_defaults(retriever, folder, settings.cache_dir, model_id)
