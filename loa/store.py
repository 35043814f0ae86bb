"""The index: Chroma collections plus a pointer naming the one that serves.

Ingest builds a complete new collection and then moves the pointer (one
metadata write), so a reader never sees a half-written index, and a killed
ingest leaves the previous index serving. The pointer lives in Chroma itself,
so the same code works on disk and against a ``chroma run`` server.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from loa.settings import Settings, configure_offline

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

PREFIX = "loa_chunks_"
UNITS_SUFFIX = "_units"  # each build's sentence and list-item embeddings, for composing answers
SERVICES_SUFFIX = "_services"  # each build's service directory (ingest/services.py)
POINTER = "loa_pointer"
BUILD_COMMAND = "python -m ingest"


class IndexUnavailable(RuntimeError):
    """The index cannot be used; the message tells the user what to do."""


@dataclass(frozen=True)
class ActiveIndex:
    name: str
    info: dict[str, Any]


def open_client(settings: Settings) -> ClientAPI:
    """A Chroma client: embedded on disk, or a server when LOA_CHROMA_URL is set."""
    configure_offline()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}")
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as err:  # chromadb raises several types for an unreachable server
            raise IndexUnavailable(
                f"cannot reach the Chroma server at {settings.chroma_url} ({_reason(err)}). "
                "Start it (see README: 'Scaling out') or unset LOA_CHROMA_URL to use the on-disk index."
            ) from None
    path = settings.index_dir / "chroma"
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as err:
        raise IndexUnavailable(
            f"the index at {path} cannot be opened ({_reason(err)}). Rebuild it with: {BUILD_COMMAND} --rebuild"
        ) from None


def _reason(err: BaseException) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text[:200]


def set_aside(settings: Settings) -> Path | None:
    """Move an unreadable on-disk index out of the way (kept, not deleted) so a rebuild can start fresh."""
    path = settings.index_dir / "chroma"
    if settings.chroma_url or not path.exists():
        return None
    target = path.with_name(f"chroma.unreadable-{time.strftime('%Y%m%d%H%M%S')}")
    path.rename(target)
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # Chroma keeps one client per path in a process
    return target


class IndexStore:
    """Builds, switches and opens the serving collection."""

    def __init__(self, client: ClientAPI, where: str) -> None:
        self.client = client
        self.where = where

    @classmethod
    def open(cls, settings: Settings) -> IndexStore:
        where = settings.chroma_url or str(settings.index_dir)
        return cls(open_client(settings), where)

    def _pointer(self) -> Collection:
        return self.client.get_or_create_collection(POINTER, embedding_function=None)

    def active(self) -> ActiveIndex | None:
        """The serving collection's name and build info, or None before the first ingest."""
        try:
            meta = dict(self._pointer().metadata or {})
        except Exception as err:
            raise IndexUnavailable(
                f"the index at {self.where} cannot be read ({_reason(err)}). Rebuild it with: {BUILD_COMMAND} --rebuild"
            ) from None
        name = meta.pop("active", None)
        return ActiveIndex(str(name), meta) if name else None

    def units_collection(self, active: ActiveIndex) -> Collection:
        try:
            return self.client.get_collection(active.name + UNITS_SUFFIX, embedding_function=None)
        except Exception as err:
            raise IndexUnavailable(
                f"the index at {self.where} is incomplete ({_reason(err)}). Rebuild it with: {BUILD_COMMAND} --rebuild"
            ) from None

    def services_collection(self, active: ActiveIndex) -> Collection | None:
        """The build's service directory; None for a build made before there was one (answers still work)."""
        try:
            return self.client.get_collection(active.name + SERVICES_SUFFIX, embedding_function=None)
        except Exception:  # noqa: BLE001 - a missing directory only costs the service match
            return None

    def create_services(self, build: Collection) -> Collection:
        return self.client.create_collection(
            build.name + SERVICES_SUFFIX, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    def serving_collection(self) -> tuple[Collection, ActiveIndex]:
        """The collection to answer from, or a clear error saying how to build one."""
        active = self.active()
        if active is None:
            raise IndexUnavailable(f"there is no index at {self.where} yet. Build it with: {BUILD_COMMAND}")
        try:
            collection = self.client.get_collection(active.name, embedding_function=None)
            collection.count()
        except Exception as err:
            raise IndexUnavailable(
                f"the index at {self.where} is damaged ({_reason(err)}). Rebuild it with: {BUILD_COMMAND} --rebuild"
            ) from None
        return collection, active

    def create_build(self) -> tuple[Collection, Collection]:
        """A new, empty chunk collection and its units collection."""
        name = f"{PREFIX}{time.strftime('%Y%m%d%H%M%S')}_{uuid.uuid4().hex[:6]}"
        config = {"hnsw": {"space": "cosine"}}
        chunks = self.client.create_collection(name, embedding_function=None, configuration=config)
        units = self.client.create_collection(name + UNITS_SUFFIX, embedding_function=None, configuration=config)
        return chunks, units

    def activate(self, collection: Collection, info: dict[str, str | int | float]) -> None:
        """Make a finished build the serving one: a single metadata write.

        The build it replaces is kept as "previous", so an app that loaded it keeps
        answering until it reloads; older builds are dropped.
        """
        current = self.active()
        previous = current.name if current is not None and current.name != collection.name else None
        if previous is None and current is not None:
            previous = current.info.get("previous")
        metadata = {k: v for k, v in info.items() if k != "previous"}
        if previous:
            metadata["previous"] = str(previous)
        self._pointer().modify(metadata={"active": collection.name, **metadata})

    def drop_stale(self) -> list[str]:
        """Delete builds that are neither serving nor the one before: old ones and any a killed ingest left."""
        active = self.active()
        keep = set()
        if active is not None:
            for build in (active.name, active.info.get("previous")):
                if build:
                    keep |= {str(build), f"{build}{UNITS_SUFFIX}", f"{build}{SERVICES_SUFFIX}"}
        dropped = []
        for collection in self.client.list_collections():
            name = collection.name if hasattr(collection, "name") else str(collection)
            if name.startswith(PREFIX) and name not in keep:
                self.client.delete_collection(name)
                dropped.append(name)
        return dropped
