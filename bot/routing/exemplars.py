"""The route classifier's training data: short messages written for it, one file per route.

``bot/data/routes/<route>.txt`` holds one message a line. A folder ``<route>/<kind>.txt`` splits a
route into kinds that get different replies (chitchat: greeting, thanks, complaint, about; injection:
instructions, abuse). The files were written blind to the eval's test split and are checked
against it for copies (tests/bot/routing/test_exemplars.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

ROUTES_DIR = Path(__file__).resolve().parent.parent / "data" / "routes"
ROUTES = ("answer", "crisis", "chitchat", "vague", "non_english", "out_of_scope", "advice", "injection")


@dataclass(frozen=True)
class Exemplars:
    texts: tuple[str, ...]
    routes: tuple[str, ...]
    kinds: tuple[str, ...]  # the file's stem inside a route folder, else ""

    @classmethod
    def load(cls, folder: Path = ROUTES_DIR, labels: tuple[str, ...] = ROUTES) -> Exemplars:
        """One file (or folder of kinds) per label; the intent classifier reads bot/data/intents/ the same way."""
        texts: list[str] = []
        routes: list[str] = []
        kinds: list[str] = []
        for route in labels:
            files = [(folder / f"{route}.txt", "")] if (folder / f"{route}.txt").is_file() else []
            files += [(f, f.stem) for f in sorted((folder / route).glob("*.txt"))]
            if not files:
                raise FileNotFoundError(f"no exemplars for the route {route!r} in {folder}")
            for path, kind in files:
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        texts.append(line.strip())
                        routes.append(route)
                        kinds.append(kind)
        return cls(tuple(texts), tuple(routes), tuple(kinds))

    def canonical(self) -> Exemplars:
        """The messages as the classifier reads them (bot/routing/canonical.py)."""
        from bot.routing.canonical import canonical

        return Exemplars(tuple(canonical(t) for t in self.texts), self.routes, self.kinds)

    def digest(self) -> str:
        """Changes whenever any exemplar, route or kind changes: the cache key of a trained model."""
        h = hashlib.sha256()
        for text, route, kind in zip(self.texts, self.routes, self.kinds, strict=True):
            h.update(f"{route}\t{kind}\t{text}\n".encode())
        return h.hexdigest()[:16]

    def of_route(self, route: str) -> list[int]:
        return [i for i, r in enumerate(self.routes) if r == route]
