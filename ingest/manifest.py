"""The corpus manifest: what is known of each document (title, status, date...)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

STATUSES = ("published", "draft")
REQUIRED = ("file", "title", "publisher", "source", "status", "date", "description")


class ManifestError(ValueError):
    """The manifest itself cannot be used: nothing can be ingested."""


@dataclass(frozen=True)
class DocInfo:
    file: str
    title: str
    publisher: str
    source: str
    status: str
    date: str
    description: str

    @property
    def status_label(self) -> str:
        """'Draft, 2021' or 'Published': how a reader sees the status."""
        if self.status == "draft":
            return f"Draft, {self.date}" if self.date and self.date != "undated" else "Draft"
        return "Published"


def load_manifest(corpus_dir: Path) -> tuple[list[DocInfo], list[str]]:
    """Return the manifest's entries and a problem per entry that was skipped."""
    path = corpus_dir / "manifest.toml"
    if not path.is_file():
        raise ManifestError(f"no manifest at {path}: add corpus/manifest.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ManifestError(f"{path} is not valid TOML: {err}") from None
    docs: list[DocInfo] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, entry in enumerate(data.get("document", []), start=1):
        missing = [key for key in REQUIRED if not str(entry.get(key, "")).strip()]
        name = entry.get("file", f"entry {n}")
        if missing:
            problems.append(f"manifest entry {name}: missing {', '.join(missing)}")
            continue
        if entry["status"] not in STATUSES:
            problems.append(f"manifest entry {name}: status must be published or draft")
            continue
        if name in seen:
            problems.append(f"manifest entry {name}: listed twice")
            continue
        seen.add(name)
        docs.append(DocInfo(**{key: str(entry[key]).strip() for key in REQUIRED}))
    return docs, problems
