"""The service directory, built at ingest from the section structure.

Each team or service the documents describe gets one record (loa/services.py):
its names and acronyms, the service it belongs to, its sections by kind, its
contact lines exactly as written and the ages it serves. The same team described
on two pages (the Pupil Tuition Team) is one record with both pages' sections.
The records are stored with each index build, with an embedding of each
service's description, so the bot can match lay questions to a service.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ingest.sections import SEPARATOR
from loa.services import Service
from loa.units import EMAIL, PHONE, split_units

_DATA = tomllib.loads((Path(__file__).parent / "data" / "services.toml").read_text(encoding="utf-8"))
_PAGE_ENDINGS = set(_DATA["service_page_endings"])
_KINDS = {kind: re.compile(pattern, re.I) for kind, pattern in _DATA["section_kinds"].items()}
_AGES = re.compile(_DATA["ages"], re.I)
_BRACKETED = re.compile(r"^(.*?)\s*\(\s*([^)]*?)\s*\)\s*$")
_LONG_FORM = re.compile(r"((?:[A-Z][\w&’'-]*\s(?:(?:and|of|for|on|out|&)\s)?){1,8})\(\s*([A-Z][A-Za-z]*[A-Z])\s*\)")
_FOLD = re.compile(r"\b(team|service|services|the|leeds)\b|\(.*?\)")
MAX_CONTACTS = 4
MAX_AGES = 3


def fold(name: str) -> str:
    """'The Pupil Tuition Team' and 'Pupil Tuition Service' -> 'pupil tuition'."""
    return " ".join(re.findall(r"[a-z0-9]+", _FOLD.sub(" ", name.lower())))


def heading_names(heading: str) -> tuple[str, list[str]]:
    """'DAHIT ( Deaf and Hearing Impaired Team)' -> ('Deaf and Hearing Impaired Team (DAHIT)', [both names])."""
    heading = " ".join(heading.split())
    match = _BRACKETED.match(heading)
    if not match:
        return heading, [heading]
    outside, inside = match.group(1).strip(), match.group(2).strip()
    short, long = (outside, inside) if len(outside.split()) < len(inside.split()) else (inside, outside)
    if not short or not any(c.isupper() for c in short[1:]):  # '(Dyslexia)' is not an acronym
        return heading, [heading]
    names = [long, short]
    first, *rest = short.split()
    words = long.split()
    if rest and "".join(w[0] for w in words[: len(first)]).upper() == first.upper():
        names.append(" ".join(words[: len(first)] + rest))  # 'EY SENIT' is also written 'Early Years SENIT'
    return f"{long} ({short})", names


def section_kind(section: str, team: str) -> str:
    """The kind of a team's section from its sub-heading: 'Referral process' -> 'request'."""
    parts = section.split(SEPARATOR)
    sub = parts[parts.index(team) + 1 :] if team in parts else parts[1:]
    if not sub:
        return "overview"
    heading = sub[-1]
    return next((kind for kind, pattern in _KINDS.items() if pattern.search(heading)), "other")


def _service_of(meta: dict) -> tuple[str, str] | None:
    """(name, parent) of the service a chunk belongs to, or None when its page is not a service page."""
    page = str(meta.get("section", "")).split(SEPARATOR)[0]
    words = re.findall(r"[a-z]+", page.lower())
    if not words or words[-1] not in _PAGE_ENDINGS:
        return None
    team = str(meta.get("team") or "")
    return (team, page) if team and team != page else (page, "")


def build_directory(chunks: Iterable[tuple[dict, str]]) -> list[Service]:
    """One record per service from (metadata, text) of every chunk, in document order."""
    records: dict[str, Service] = {}
    aliases: dict[str, str] = {}  # a folded name or acronym -> the record's key
    ordered = sorted(chunks, key=lambda c: (str(c[0].get("doc")), int(c[0].get("start", 0))))
    for meta, text in ordered:
        found = _service_of(meta)
        if found is None:
            continue
        heading, parent = found
        name, names = heading_names(heading)
        key = next((aliases[fold(n)] for n in names if fold(n) in aliases), fold(name) or name.lower())
        record = records.setdefault(key, Service(key=key, name=name, parent=parent))
        for n in names:
            aliases.setdefault(fold(n), key)
            if n not in record.names:
                record.names.append(n)
        _add_chunk(record, meta, text)
    for record in records.values():
        _add_long_forms(record, aliases, ordered)
    return list(records.values())


def _add_chunk(record: Service, meta: dict, text: str) -> None:
    doc, section = str(meta.get("doc")), str(meta.get("section"))
    if doc not in record.docs:
        record.docs.append(doc)
    heading = str(meta.get("team") or section.split(SEPARATOR)[0])
    labels = record.sections.setdefault(section_kind(section, heading), [])
    if section not in labels:
        labels.append(section)
    comments = {int(p) for p in str(meta.get("comments") or "").split(",") if p}
    units = [" ".join(u.text.split()) for u in split_units(text, 0) if u.position not in comments]
    testimonial = section_kind(section, heading) == "views"
    for unit in units:
        if (EMAIL.search(unit) or PHONE.search(unit)) and unit not in record.contacts:
            record.contacts.append(unit)
        elif _AGES.search(unit) and not testimonial and unit not in record.ages and len(record.ages) < MAX_AGES:
            record.ages.append(unit)
    record.contacts = record.contacts[:MAX_CONTACTS]
    if not record.description:
        record.description = " ".join(u for u in units[:3] if not u.endswith("?"))


def _add_long_forms(record: Service, aliases: dict[str, str], chunks: list[tuple[dict, str]]) -> None:
    """'The Visual Impairment Team (VIT) ...' in the team's own text adds the acronym VIT."""
    labels = record.section_labels()
    known = {fold(n) for n in record.names} | {n for n in record.names if n.isupper()}
    for meta, text in chunks:
        if meta.get("section") not in labels:
            continue
        for long, short in _LONG_FORM.findall(" ".join(text.split())):
            long = re.sub(r"^The\s+", "", long.strip())
            if fold(long) in known or short in known:
                for n in (long, short):
                    if n not in record.names and aliases.get(fold(n), record.key) == record.key:
                        record.names.append(n)


def store_directory(collection, services: list[Service], vectors: dict[str, list[float]], chunks: list) -> None:  # noqa: ANN001
    """Each record with the mean of its chunks' embeddings (testimonials left out): what a question is matched to.

    ``chunks`` are llama-index nodes; ``vectors`` their embeddings by id, so no model is needed here.
    """
    if not services:
        return
    by_section: dict[str, list[list[float]]] = {}
    for node in chunks:
        by_section.setdefault(str(node.metadata.get("section")), []).append(vectors[node.node_id])
    embeddings = []
    for service in services:
        kept = [label for kind, labels in service.sections.items() if kind != "views" for label in labels]
        rows = [v for label in kept or service.section_labels() for v in by_section.get(label, [])]
        mean = np.mean(np.asarray(rows, dtype=np.float32), axis=0)
        embeddings.append((mean / (np.linalg.norm(mean) or 1.0)).tolist())
    collection.add(
        ids=[s.key for s in services],
        embeddings=embeddings,
        documents=[s.description for s in services],
        metadatas=[{"record": s.to_json()} for s in services],
    )


def describe(services: list[Service]) -> str:
    """The directory as `python -m ingest --services` prints it."""
    blocks = [s.describe() for s in services]
    return "\n\n".join(blocks) + f"\n\n{len(services)} services."
