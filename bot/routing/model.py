"""Two scikit-learn classifiers over one message, averaged.

- Meaning: logistic regression on the message's MiniLM vector (the one retrieval uses), plus how close
  it comes to the documents (best sentence, best three sentences, best chunk): a question about the
  corpus sits near it, a question about bin days does not.
- Words: logistic regression on word and character n-grams (TF-IDF), which catches misspellings
  and phrasings ("isnt waking up", "took all of them") that a sentence embedding blurs.

Chosen over either alone by `python -m eval.tune route` on dev (eval/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.routing.exemplars import ROUTES


@dataclass(frozen=True)
class RouteModelSettings:
    c_meaning: float = 8.0  # inverse regularisation of the embedding classifier
    c_words: float = 4.0  # inverse regularisation of the n-gram classifier
    domain_weight: float = 5.0  # scale of the three closeness-to-the-documents features


class Domain:
    """How close a message's vector comes to the documents' sentences and chunks."""

    def __init__(self, sentences: np.ndarray, chunks: np.ndarray) -> None:
        self.sentences = np.asarray(sentences, dtype=np.float32)
        self.chunks = np.asarray(chunks, dtype=np.float32)

    def features(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.atleast_2d(vectors)
        if not len(self.sentences) or not len(self.chunks):
            return np.zeros((len(vectors), 3), dtype=np.float32)
        sims = vectors @ self.sentences.T
        top3 = np.sort(sims, axis=1)[:, -3:].mean(axis=1)
        return np.stack([sims.max(axis=1), top3, (vectors @ self.chunks.T).max(axis=1)], axis=1)


class RouteModel:
    """P(route | message), from the averaged probabilities of the two classifiers."""

    def __init__(self, meaning, words, vectorizer, domain: Domain, settings: RouteModelSettings) -> None:  # noqa: ANN001
        self.meaning = meaning
        self.words = words
        self.vectorizer = vectorizer
        self.domain = domain
        self.settings = settings
        self.routes = tuple(str(c) for c in meaning.classes_)
        assert self.routes == tuple(str(c) for c in words.classes_)

    @classmethod
    def fit(
        cls,
        texts: list[str],
        vectors: np.ndarray,
        routes: list[str],
        domain: Domain,
        settings: RouteModelSettings | None = None,
        labels: tuple[str, ...] = ROUTES,
    ) -> RouteModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_union

        settings = settings or RouteModelSettings()
        missing = set(labels) - set(routes)
        if missing:
            raise ValueError(f"no exemplars for {', '.join(sorted(missing))}")
        meaning = LogisticRegression(C=settings.c_meaning, max_iter=5000, class_weight="balanced")
        meaning.fit(cls._meaning_features(vectors, domain, settings), routes)
        vectorizer = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        )
        words = LogisticRegression(C=settings.c_words, max_iter=5000, class_weight="balanced")
        words.fit(vectorizer.fit_transform(texts), routes)
        return cls(meaning, words, vectorizer, domain, settings)

    @staticmethod
    def _meaning_features(vectors: np.ndarray, domain: Domain, settings: RouteModelSettings) -> np.ndarray:
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        return np.concatenate([vectors, settings.domain_weight * domain.features(vectors)], axis=1)

    def probabilities(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """One row per message, one column per route (``self.routes``).

        The fitted weights are applied directly (softmax of the linear scores, as `predict_proba` does for
        multinomial logistic regression) to skip scikit-learn's per-call input checks: a route is a few ms.
        """
        meaning = _softmax(self._meaning_features(vectors, self.domain, self.settings), self.meaning)
        words = _softmax(self.vectorizer.transform(texts), self.words)
        return (meaning + words) / 2


def _softmax(features, model) -> np.ndarray:  # noqa: ANN001 - dense or sparse features, a fitted LogisticRegression
    scores = np.asarray(features @ model.coef_.T) + model.intercept_
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return scores / scores.sum(axis=1, keepdims=True)
