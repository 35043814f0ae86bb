"""What kind of answer a question wants: its intent.

The same two averaged classifiers as the route stage (bot/routing/model.py), trained on
``bot/data/intents/<intent>.txt``, questions written blind to the eval's test split. The
intent picks which of a service's sections answer ("how do I refer?" -> its referral
section) and whether the answer ends with the service's contact lines.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bot.routing.exemplars import Exemplars
from bot.routing.model import Domain, RouteModel, RouteModelSettings
from bot.routing.router import _cached, _exemplar_vectors

INTENTS_DIR = Path(__file__).resolve().parent.parent / "data" / "intents"
INTENTS = (
    "does",
    "who_for",
    "request",
    "contact",
    "where_when",
    "money",
    "wording",
    "versions",
    "definition",
    "policy",
)
# the kinds of a service's sections (loa/services.py) that answer each intent, best first
SECTIONS_FOR = {
    "does": ("overview", "offers", "about"),
    "who_for": ("overview", "offers", "about"),
    "request": ("request", "contact", "overview"),
    "contact": ("contact", "request", "overview"),
    "where_when": ("overview", "offers", "duties"),
    "money": ("overview", "offers"),
}
WANTS_CONTACT = ("contact", "request")  # the answer ends with the service's contact lines


@dataclass(frozen=True)
class Intent:
    label: str
    confidence: float


class IntentClassifier:
    def __init__(self, model: RouteModel, embed: Callable[[str], np.ndarray]) -> None:
        self.model = model
        self.embed = embed

    @classmethod
    def from_defaults(
        cls,
        embed: Callable[[str], np.ndarray],
        cache_dir: Path,
        model_id: str = "",
        settings: RouteModelSettings | None = None,
    ) -> IntentClassifier:
        """Train on the exemplar files once; later processes load the model from the cache."""
        settings = settings or RouteModelSettings(domain_weight=0.0)
        exemplars = Exemplars.load(INTENTS_DIR, INTENTS)
        vectors = _exemplar_vectors(exemplars.texts, embed, cache_dir / f"intent-vectors-{model_id or 'model'}.npz")
        key = hashlib.sha256(repr(asdict(settings)).encode()).hexdigest()[:12]
        none = Domain(np.zeros((0, vectors.shape[1])), np.zeros((0, vectors.shape[1])))
        model = _cached(
            cache_dir / f"intent-model-{exemplars.digest()}-{model_id}-{key}.pkl",
            lambda: RouteModel.fit(list(exemplars.texts), vectors, list(exemplars.routes), none, settings, INTENTS),
            lambda path, m: path.write_bytes(pickle.dumps(m)),
            lambda path: pickle.loads(path.read_bytes()),  # noqa: S301 - a file this class wrote
        )
        return cls(model, embed)

    def classify(self, text: str, vector: np.ndarray | None = None) -> Intent:
        vector = self.embed(text) if vector is None else vector
        row = self.model.probabilities([text], np.asarray(vector)[None, :])[0]
        best = int(np.argmax(row))
        return Intent(self.model.routes[best], float(row[best]))
