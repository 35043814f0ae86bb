"""The route stage: every message gets one label before anything else runs.

A classifier trained on the exemplar files (bot/routing/model.py) gives P(route | message). Crisis is
decided first and for recall: any message with P(crisis) at or above a low threshold gets the safety
message. The routes that end in a fixed reply instead of an answer (out of scope, vague, chitchat, not
in English) need a minimum confidence, otherwise the message is treated as a genuine question and the
answer stages decide whether the documents hold an answer; so do advice and injection, which answer
after a fixed opening line. Beside the classifier, rules that measured
as much beside it (`python -m eval.tune route`): the injection and abuse rules of guard.toml, which also
strip what they match. A follow-up that the classifier finds vague or out of scope is classified again
together with the question before it ("and what's their email?").
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from bot.routing.canonical import canonical
from bot.routing.exemplars import Exemplars
from bot.routing.model import Domain, RouteModel, RouteModelSettings

log = logging.getLogger(__name__)
Turn = dict[str, str]
REPLY_ROUTES = ("out_of_scope", "vague", "chitchat", "non_english")  # end in a fixed reply, not an answer
OPENING_ROUTES = ("advice", "injection")  # answered, after a fixed opening line


@dataclass(frozen=True)
class RouteSettings:
    """Chosen on dev by `python -m eval.tune route`; eval/README.md has the sweep."""

    crisis_threshold: float = 0.35  # P(crisis) at or above this gets the safety message first, whatever else scores
    crisis_only_threshold: float = 0.5  # at or above this, the safety message alone; below it the answer follows
    reply_threshold: float = 0.5  # a fixed-reply route needs this much probability, else it is a question
    # "what would you like to know?" costs a family one more message, an answer to the wrong question more:
    # vague needs less (chosen with bank_answers on dev and eval/route_blind.jsonl, eval/README.md)
    vague_threshold: float = 0.4
    # advice and injection answer too, but open with a fixed line ("I can't decide ..."): only when this sure
    opening_threshold: float = 0.6
    # a vague or out-of-scope message whose nearest question-bank question (one the documents answer) is at
    # least this close is a question (swept with vague_threshold: pooled route accuracy on dev and blind messages)
    bank_answers: float = 0.82
    model: RouteModelSettings = field(default_factory=RouteModelSettings)


@dataclass(frozen=True)
class Route:
    label: str
    confidence: float  # the probability of the label (1.0 when a rule decided)
    kind: str = ""  # chitchat: greeting, thanks, complaint, about; injection: instructions, abuse
    by: str = "classifier"  # or the rule that decided
    scores: dict[str, float] = field(default_factory=dict)


class Router:
    def __init__(
        self,
        model: RouteModel,
        embed: Callable[[str], np.ndarray],
        exemplars: Exemplars,
        exemplar_vectors: np.ndarray,
        settings: RouteSettings | None = None,
    ) -> None:
        self.model = model
        self.embed = embed
        self.settings = settings or RouteSettings()
        # the kinds (greeting, thanks, ...) are read off the nearest exemplar of the chosen route
        self._kinds = {
            route: ([exemplars.kinds[i] for i in rows], exemplar_vectors[rows])
            for route in ("chitchat", "injection")
            if (rows := [i for i in exemplars.of_route(route) if exemplars.kinds[i]])
        }

    @classmethod
    def from_defaults(
        cls,
        embed: Callable[[str], np.ndarray],
        domain: Domain,
        cache_dir: Path,
        settings: RouteSettings | None = None,
        exemplars: Exemplars | None = None,
        model_id: str = "",
    ) -> Router:
        """Train on the exemplar files, or load what was trained on these same files before."""
        settings = settings or RouteSettings()
        exemplars = (exemplars or Exemplars.load()).canonical()
        vectors = _exemplar_vectors(exemplars.texts, embed, cache_dir / f"route-vectors-{model_id or 'model'}.npz")
        key = hashlib.sha256(domain.sentences.tobytes() + domain.chunks.tobytes())
        key.update(repr(asdict(settings.model)).encode())
        model = _cached(
            cache_dir / f"route-model-{exemplars.digest()}-{model_id}-{key.hexdigest()[:16]}.pkl",
            lambda: RouteModel.fit(list(exemplars.texts), vectors, list(exemplars.routes), domain, settings.model),
            lambda path, m: path.write_bytes(pickle.dumps(m)),
            lambda path: pickle.loads(path.read_bytes()),  # noqa: S301 - a file this class wrote
        )
        return cls(model, embed, exemplars, vectors, settings)

    def scores(self, text: str, vector: np.ndarray | None = None) -> dict[str, float]:
        vector = self.embed(text) if vector is None else vector
        row = self.model.probabilities([text], vector[None, :])[0]
        return {route: float(p) for route, p in zip(self.model.routes, row, strict=True)}

    def route(self, text: str, history: Sequence[Turn] = (), vector: np.ndarray | None = None) -> Route:
        vector = self.embed(text) if vector is None else vector
        scores = self.scores(text, vector)
        decided = self.decide(scores)
        previous = [canonical(t.get("content", "")) for t in history if t.get("role") == "user"]
        if previous and decided.label in ("vague", "out_of_scope"):
            in_context = self.decide(self.scores(f"{previous[-1]} {text}"))
            if in_context.label == "answer":
                return Route("answer", in_context.confidence, by="follow-up", scores=scores)
        if decided.label in self._kinds:
            kinds, vectors = self._kinds[decided.label]
            decided = Route(decided.label, decided.confidence, kinds[int(np.argmax(vectors @ vector))], scores=scores)
        return decided

    def decide(self, scores: dict[str, float]) -> Route:
        """Crisis first and for recall; fixed replies only when confident; otherwise the likeliest route."""
        s = self.settings
        if scores.get("crisis", 0.0) >= s.crisis_threshold:
            return Route("crisis", scores["crisis"], scores=scores)
        label = max(scores, key=scores.__getitem__)
        needs = s.vague_threshold if label == "vague" else s.reply_threshold
        if label == "crisis" or (label in REPLY_ROUTES and scores[label] < needs):
            rest = {k: v for k, v in scores.items() if k not in ("crisis", *REPLY_ROUTES)}
            label = max(rest, key=rest.__getitem__)
        if label in OPENING_ROUTES and scores[label] < s.opening_threshold:
            label = "answer"
        return Route(label, scores[label], scores=scores)


def _exemplar_vectors(texts: Sequence[str], embed: Callable[[str], np.ndarray], path: Path) -> np.ndarray:
    """Every exemplar's vector; those embedded before are read from `path`, so an edit re-embeds only new lines."""
    known: dict[str, np.ndarray] = {}
    try:
        with np.load(path) as stored:
            known = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    except Exception as err:  # noqa: BLE001 - missing or damaged: embed again
        if path.exists():
            log.warning("re-embedding the route exemplars: %s", err)
    keys = [hashlib.sha256(t.encode()).hexdigest()[:20] for t in texts]
    missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in known]
    for key, text in missing:
        known[key] = np.asarray(embed(text), dtype=np.float32)
    vectors = np.stack([known[k] for k in keys]).astype(np.float32)
    if missing:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp.npz")
            np.savez(tmp, keys=np.array(keys), vectors=vectors)
            tmp.replace(path)
        except OSError as err:
            log.warning("could not cache %s: %s", path.name, err)
    return vectors


def _cached(path: Path, make, save, load):  # noqa: ANN001, ANN202
    """Load `path` if a previous run wrote it; otherwise make it and try to save it (a read-only cache still works)."""
    if path.is_file():
        try:
            return load(path)
        except Exception as err:  # noqa: BLE001 - a damaged cache file is rebuilt, never fatal
            log.warning("rebuilding %s: %s", path.name, err)
    value = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        save(tmp, value)
        tmp.replace(path)
        for old in path.parent.glob(f"{path.name.split('-')[0]}-{path.name.split('-')[1]}-*{path.suffix}"):
            if old != path:
                old.unlink(missing_ok=True)  # models of earlier exemplar files: never read again
    except OSError as err:
        log.warning("could not cache %s: %s", path.name, err)
    return value
