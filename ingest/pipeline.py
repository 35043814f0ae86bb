"""Incremental, idempotent ingest keyed by content hashes.

An unchanged corpus is detected from chunk fingerprints alone, without loading
the model, so a no-op run takes about a second. A change builds a new
collection, copying the embeddings of unchanged chunks and embedding only new
ones, then switches the pointer (see loa/store.py).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.chunk import Chunk, CleanDocument, clean_document
from ingest.loaders import SUFFIXES, LoadError, read_text
from ingest.manifest import DocInfo, load_manifest
from ingest.services import build_directory, store_directory
from loa.embedding import model_id
from loa.settings import Settings
from loa.store import IndexStore, IndexUnavailable, set_aside
from loa.units import split_units

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

PIPELINE_VERSION = "5"  # bump when cleaning or chunking changes shape
EMBED_KEYS = ("section",)  # what the embedding and BM25 see besides the text


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    switched: bool = False

    @property
    def skipped(self) -> bool:
        return bool(self.problems)

    def summary(self) -> str:
        lines = [
            f"documents: {self.documents}   chunks: {self.chunks}",
            f"added {self.added}, updated {self.updated}, removed {self.removed}, unchanged {self.unchanged}"
            f"   (embedded {self.embedded})",
            f"{'index switched to the new build' if self.switched else 'index unchanged'} in {self.seconds:.2f} s",
        ]
        lines += [f"skipped: {problem}" for problem in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class SourceDoc:
    info: DocInfo
    text: str
    hash: str  # of the bytes, the manifest entry and the pipeline's fingerprint


def read_corpus(settings: Settings) -> tuple[list[SourceDoc], list[str]]:
    """Every readable document with its content hash, and a message per file skipped."""
    infos, problems = load_manifest(settings.corpus_dir)
    listed = {info.file for info in infos}
    for path in sorted(settings.corpus_dir.iterdir()):
        unlisted = path.name not in listed and path.name != "manifest.toml" and not path.name.startswith(".")
        if path.is_file() and unlisted:
            kind = (
                "is not in manifest.toml"
                if path.suffix.lower() in SUFFIXES
                else f"has an unknown file type ({path.suffix or 'none'})"
            )
            problems.append(f"{path.name}: {kind}; skipped")
    docs: list[SourceDoc] = []
    fingerprint = build_fingerprint(settings)
    for info in infos:
        path = settings.corpus_dir / info.file
        if not path.exists():
            problems.append(f"{info.file}: listed in manifest.toml but there is no such file")
            continue
        try:
            text = read_text(path)
        except LoadError as err:
            problems.append(str(err))
            continue
        digest = hashlib.sha256(json.dumps([text, asdict(info), fingerprint]).encode()).hexdigest()[:24]
        docs.append(SourceDoc(info, text, digest))
    return docs, problems


def load_corpus(settings: Settings) -> tuple[list[CleanDocument], list[str]]:
    """Every usable document, cleaned and chunked, and a message per file skipped."""
    sources, problems = read_corpus(settings)
    docs = [clean_document(s.info, s.text, settings.chunk_tokens, settings.chunk_overlap) for s in sources]
    return docs, problems


def build_fingerprint(settings: Settings) -> str:
    """Changes whenever existing embeddings can no longer be reused, or the rules that mark kinds of text
    (ingest/data/kinds.toml) or build the service directory change what a build records."""
    here = Path(__file__).parent
    rules = hashlib.sha256(
        b"".join((here / f).read_bytes() for f in ("data/kinds.toml", "kinds.py", "data/services.toml", "services.py"))
    )
    shape = f"{settings.chunk_tokens}|{settings.chunk_overlap}|{rules.hexdigest()[:8]}"
    return f"{model_id(settings.embed_int8)}|v{PIPELINE_VERSION}|{shape}"


def _chunk_hash(chunk: Chunk, metadata: dict[str, str | int]) -> str:
    return hashlib.sha256(json.dumps([chunk.id, metadata], sort_keys=True).encode()).hexdigest()[:24]


def _nodes(docs: list[CleanDocument]):  # noqa: ANN202 - llama-index TextNodes
    from llama_index.core.schema import TextNode

    nodes = []
    for doc in docs:
        for chunk in doc.chunks:
            metadata = chunk.metadata(doc.info)
            metadata["hash"] = _chunk_hash(chunk, metadata)
            nodes.append(
                TextNode(
                    id_=chunk.id,
                    text=chunk.text,
                    metadata=metadata,
                    excluded_embed_metadata_keys=[k for k in metadata if k not in EMBED_KEYS],
                    excluded_llm_metadata_keys=[k for k in metadata if k not in EMBED_KEYS],
                )
            )
    return nodes


def _key(metadata: dict) -> tuple:
    """Where a chunk sits, so a changed chunk counts as updated, not added and removed."""
    return (metadata.get("doc"), metadata.get("section"), metadata.get("order"))


def ingest(
    settings: Settings,
    *,
    rebuild: bool = False,
    embed_model: BaseEmbedding | None = None,
    progress: bool | None = None,
    say: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr, flush=True),
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    sources, report.problems = read_corpus(settings)
    report.documents = len(sources)
    doc_hashes = json.dumps({s.info.file: s.hash for s in sources}, sort_keys=True)

    try:
        store = IndexStore.open(settings)
        active = store.active()
    except IndexUnavailable:
        if not rebuild:
            raise
        kept = set_aside(settings)  # --rebuild on a damaged index: keep the old folder, start a new one
        if kept is None:
            raise
        say(f"The index could not be read; it was moved to {kept} and a new one is being built.")
        store = IndexStore.open(settings)
        active = None
    fingerprint = build_fingerprint(settings)
    if active is not None and not rebuild and sources and active.info.get("docs") == doc_hashes:
        report.chunks = report.unchanged = int(active.info.get("chunks", 0))
        report.seconds = time.perf_counter() - started
        store.drop_stale()
        return report

    docs = [clean_document(s.info, s.text, settings.chunk_tokens, settings.chunk_overlap) for s in sources]
    nodes = _nodes(docs)
    report.chunks = len(nodes)
    old: dict[str, dict] = {}
    if active is not None and not rebuild:
        try:
            collection, _ = store.serving_collection()
            got = collection.get(include=["metadatas"])
            old = {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"])}
        except Exception:  # a damaged build: start over rather than fail
            old = {}
    reusable = active is not None and not rebuild and active.info.get("fingerprint") == fingerprint

    new_hashes = {node.node_id: node.metadata["hash"] for node in nodes}
    old_hashes = {i: m.get("hash") for i, m in old.items()}
    if reusable and new_hashes == old_hashes and nodes:
        # same chunks (e.g. only a file's mtime or an unused manifest field changed)
        store.activate(store.serving_collection()[0], {**active.info, "docs": doc_hashes})
        report.unchanged = len(nodes)
        report.seconds = time.perf_counter() - started
        return report

    _count_changes(report, nodes, old if reusable else {})
    if not nodes:
        report.problems.append("no document could be ingested; the previous index (if any) is left as it was")
        report.seconds = time.perf_counter() - started
        return report

    from llama_index.core.schema import MetadataMode

    build, build_units = store.create_build()
    units = _units(nodes)
    # embeddings of unchanged chunks (and their units) are copied, not recomputed
    embeddings: dict[str, list[float]] = {}
    if reusable and active is not None:
        serving, _ = store.serving_collection()
        keep = [node.node_id for node in nodes if node.node_id in old]
        keep_units = [uid for uid, (chunk_id, _) in units.items() if chunk_id in old]
        embeddings.update(_get_embeddings(serving, keep))
        embeddings.update(_get_embeddings(store.units_collection(active), keep_units))
    texts = {node.node_id: node.get_content(metadata_mode=MetadataMode.EMBED) for node in nodes}
    texts.update({uid: text for uid, (_, text) in units.items()})
    missing = [key for key in texts if key not in embeddings]
    if missing:
        chunk_count = sum(1 for key in missing if key in new_hashes)
        name, sentences = model_id(settings.embed_int8), len(missing) - chunk_count
        say(f"Embedding {chunk_count} chunks and {sentences} sentences with the bundled {name}...")
        model = embed_model or _default_embed_model(settings)
        show = sys.stderr.isatty() if progress is None else progress
        vectors = model.get_text_embedding_batch([texts[key] for key in missing], show_progress=show)
        embeddings.update(zip(missing, vectors))
        report.embedded = chunk_count
    for node in nodes:
        node.embedding = embeddings[node.node_id]

    from llama_index.vector_stores.chroma import ChromaVectorStore

    ChromaVectorStore(chroma_collection=build).add(nodes)
    unit_ids = list(units)
    for start in range(0, len(unit_ids), 1000):
        batch = unit_ids[start : start + 1000]
        build_units.add(
            ids=batch,
            embeddings=[embeddings[uid] for uid in batch],
            documents=[units[uid][1] for uid in batch],
            metadatas=[{"chunk": units[uid][0], "position": int(uid.rsplit(":", 1)[1])} for uid in batch],
        )
    store_directory(
        store.create_services(build), build_directory((n.metadata, n.text) for n in nodes), embeddings, nodes
    )
    store.activate(
        build, {"fingerprint": fingerprint, "chunks": len(nodes), "docs": doc_hashes, "built_at": time.time()}
    )
    store.drop_stale()
    report.switched = True
    report.seconds = time.perf_counter() - started
    return report


def _units(nodes: list) -> dict[str, tuple[str, str]]:
    """'chunk-id:position' -> (chunk id, sentence or list item) for every chunk."""
    return {
        f"{node.node_id}:{unit.position}": (node.node_id, unit.text)
        for node in nodes
        for unit in split_units(node.get_content(), 0)
    }


def _get_embeddings(collection, ids: list[str]) -> dict[str, list[float]]:  # noqa: ANN001
    found: dict[str, list[float]] = {}
    for start in range(0, len(ids), 500):
        got = collection.get(ids=ids[start : start + 500], include=["embeddings"])
        found.update({i: list(e) for i, e in zip(got["ids"], got["embeddings"])})
    return found


def _count_changes(report: IngestReport, nodes: list, old: dict[str, dict]) -> None:
    new_ids = {node.node_id for node in nodes}
    old_keys = {_key(m): i for i, m in old.items()}
    replaced = set()
    for node in nodes:
        if node.node_id in old:
            if old[node.node_id].get("hash") == node.metadata["hash"]:
                report.unchanged += 1
            else:
                report.updated += 1
        elif _key(node.metadata) in old_keys and old_keys[_key(node.metadata)] not in new_ids:
            report.updated += 1
            replaced.add(old_keys[_key(node.metadata)])
        else:
            report.added += 1
    report.removed = len([i for i in old if i not in new_ids and i not in replaced])


def _default_embed_model(settings: Settings | None = None) -> BaseEmbedding:
    from loa.embedding import embed_model

    return embed_model(settings)
