"""Which service a question is about: by name or acronym, else by meaning.

Names and acronyms come from the service directory built at ingest. A lay
question ("the team for deaf children") has no name in it, so each service is
also matched by the similarity of the question to the mean of its chunks'
embeddings; that match must be clear of the runner-up. Thresholds are fitted
on the dev split (`python -m eval.tune services`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from bot.text import terms
from loa.services import Service


@dataclass(frozen=True)
class MatchSettings:
    min_dense: float = 0.45  # similarity of the question to a service's centroid
    min_margin: float = 0.06  # ... and how far clear of the next service it must be
    min_words: int = 1  # distinctive words of a service's names a question must use to name it in lay terms
    min_own_share: float = 0.5  # ... words found mostly (this share of sections using them) in its own pages


@dataclass(frozen=True)
class ServiceMatch:
    service: Service
    score: float
    by: str  # "name" or "meaning"


def _name_pattern(names: list[str]) -> re.Pattern[str] | None:
    """Long names match ignoring case; acronyms match as written, or in lower case when 4+ letters."""
    parts = []
    for name in names:
        words = r"\s+".join(re.escape(w) for w in name.split())
        is_acronym = " " not in name and sum(c.isupper() for c in name) >= 2
        if is_acronym and len(name) < 4:
            parts.append(rf"(?-i:\b{words}\b)")
        else:
            parts.append(rf"\b{words}s?\b")
    return re.compile("|".join(parts), re.I) if parts else None


class ServiceMatcher:
    def __init__(
        self,
        services: list[Service],
        vectors: np.ndarray,
        settings: MatchSettings | None = None,
        texts: dict[str, str] | None = None,
    ) -> None:
        """``texts``: section label -> its text, to keep the name words found mostly in its own pages."""
        self.services = services
        self.vectors = vectors  # one normalised row per service
        self.settings = settings or MatchSettings()
        self._patterns = [_name_pattern(s.names or [s.name]) for s in services]
        self.by_section = {label: s for s in services for label in s.section_labels()}
        # words of a service's names no other service's names use: 'deaf', 'statutory', 'tuition'
        stems = [set(terms(" ".join(s.names or [s.name]))) for s in services]
        counts = Counter(t for words in stems for t in words)
        self._distinctive = [{t for t in words if counts[t] == 1 and len(t) > 3} for words in stems]
        if texts:
            where = [(label, set(terms(text))) for label, text in texts.items()]
            for service, words in zip(services, self._distinctive):
                own = service.section_labels()
                for t in list(words):
                    found = [label in own for label, seen in where if t in seen]
                    if not found or sum(found) / len(found) < self.settings.min_own_share:
                        words.discard(t)

    @classmethod
    def from_collection(
        cls, collection, texts: dict[str, str], settings: MatchSettings | None = None
    ) -> ServiceMatcher:  # noqa: ANN001
        """From a build's services collection; an empty matcher when the build has none."""
        if collection is None:
            return cls([], np.zeros((0, 1), dtype=np.float32), settings)
        got = collection.get(include=["metadatas", "embeddings"])
        services = [Service.from_json(m["record"]) for m in got["metadatas"]]
        vectors = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(services), -1)
        return cls(services, vectors, settings, texts)

    def by_name(self, text: str) -> list[ServiceMatch]:
        """Services the text names, longest name first ('EY SENIT' before 'SENIT')."""
        found: list[tuple[int, ServiceMatch]] = []
        for service, pattern in zip(self.services, self._patterns):
            hit = pattern.search(text) if pattern is not None else None
            if hit:
                found.append((len(hit.group(0)), ServiceMatch(service, 1.0, "name")))
        found.sort(key=lambda f: -f[0])
        keys = [m.service.key for _, m in found]
        # 'SENIT' inside 'EY SENIT': the more specific service wins
        kept = [m for _, m in found if not any(m.service.key != k and m.service.key in k for k in keys)]
        teams = {m.service.parent for m in kept}
        return [m for m in kept if m.service.name not in teams]  # a team named with its service: the team

    def by_words(self, text: str) -> list[ServiceMatch]:
        """'the team for deaf children' -> DAHIT: the one service whose distinctive name words the text uses."""
        asked = set(terms(text))
        hits = [(len(words & asked), s) for s, words in zip(self.services, self._distinctive)]
        hits = [(n, s) for n, s in hits if n >= self.settings.min_words]
        if len(hits) != 1:
            return []
        return [ServiceMatch(hits[0][1], 0.9, "words")]

    def by_meaning(self, vector: np.ndarray) -> ServiceMatch | None:
        """The one service whose text the question is clearly closest to, if any."""
        if len(self.services) < 2:
            return None
        sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        order = np.argsort(-sims)
        best, second = float(sims[order[0]]), float(sims[order[1]])
        if best >= self.settings.min_dense and best - second >= self.settings.min_margin:
            return ServiceMatch(self.services[int(order[0])], best, "meaning")
        return None

    def match(self, text: str, vector: np.ndarray | None) -> list[ServiceMatch]:
        named = self.by_name(text) or self.by_words(text)
        if named or vector is None:
            return named
        found = self.by_meaning(vector)
        return [found] if found else []

    def service_of(self, section: str) -> Service | None:
        return self.by_section.get(section)
