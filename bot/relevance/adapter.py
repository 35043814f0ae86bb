"""A linear adapter on the question's embedding, learned from the question bank (the cheap domain adaptation).

Ridge regression maps a bank question's MiniLM vector to the mean vector of the sentences written for
it, so "my ds is 2 and not talking" lands nearer the Portage sentences than the general-purpose model
puts it. Its cosine with each sentence is one of the selector's features; on dev it finds the gold
sentence first for 37% of questions against plain MiniLM's 28% (eval/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AdapterSettings:
    enabled: bool = False  # off: the identity (measured worse inside the selector)
    alpha: float = 0.1  # ridge regularisation (0.03-1.0 measured on dev)


class LinearAdapter:
    def __init__(self, model) -> None:  # noqa: ANN001 - a fitted sklearn Ridge, or None: the identity
        self.model = model

    @classmethod
    def fit(
        cls, questions: np.ndarray, links: list[list[int]], units: np.ndarray, settings: AdapterSettings | None = None
    ) -> LinearAdapter:
        """``questions``: bank question vectors; ``links``: the units each was written for; ``units``: their vectors."""
        from sklearn.linear_model import Ridge

        settings = settings or AdapterSettings()
        rows = [j for j, linked in enumerate(links) if linked]
        if not rows or not settings.enabled:
            return cls(None)
        targets = np.stack([units[links[j]].mean(axis=0) for j in rows])
        model = Ridge(alpha=settings.alpha).fit(questions[rows], targets)
        return cls(model)

    def adapt(self, vector: np.ndarray) -> np.ndarray:
        if self.model is None:
            return vector
        mapped = vector @ self.model.coef_.T + self.model.intercept_
        norm = float(np.linalg.norm(mapped))
        return (mapped / norm).astype(np.float32) if norm else vector
