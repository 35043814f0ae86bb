"""Ingest is idempotent, incremental, safe to kill and clear about bad files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from ingest.__main__ import main as ingest_main
from ingest.pipeline import ingest
from loa.settings import PROJECT_ROOT
from loa.store import IndexStore

MANIFEST_ENTRY = (
    '\n[[document]]\nfile = "{}"\ntitle = "TITLE"\npublisher = "P"\nsource = "S"\n'
    'status = "STATUS"\ndate = "2024"\ndescription = "x"\n'
)


def quiet(msg: str) -> None:
    pass


def run(settings, fake_embed, **kw):
    return ingest(settings, embed_model=fake_embed, progress=False, say=quiet, **kw)


def test_second_run_changes_nothing(settings, fake_embed) -> None:
    first = run(settings, fake_embed)
    assert first.switched and first.added == first.chunks > 100 and first.embedded == first.chunks
    second = run(settings, fake_embed)
    assert not second.switched and second.unchanged == first.chunks and second.embedded == 0


def test_changed_document_replaces_only_its_chunks(settings, fake_embed) -> None:
    first = run(settings, fake_embed)
    path = settings.corpus_dir / "learning-access-service.txt"
    path.write_text(path.read_text().replace("within 3 days", "within 4 days"))
    second = run(settings, fake_embed)
    assert second.switched
    assert second.updated == 1 and second.added == 0 and second.removed == 0
    assert second.embedded == 1 and second.unchanged == first.chunks - 1
    collection, _ = IndexStore.open(settings).serving_collection()
    assert collection.count() == first.chunks
    assert collection.get(where_document={"$contains": "within 4 days"})["ids"]


def test_removed_document_loses_its_chunks(settings, fake_embed) -> None:
    first = run(settings, fake_embed)
    (settings.corpus_dir / "send-policies.txt").unlink()
    manifest = settings.corpus_dir / "manifest.toml"
    text = manifest.read_text()
    start = text.index('[[document]]\nfile = "send-policies.txt"')
    manifest.write_text(text[:start])
    second = run(settings, fake_embed)
    collection, _ = IndexStore.open(settings).serving_collection()
    assert second.removed > 0 and collection.count() == first.chunks - second.removed
    assert not collection.get(where={"doc": "send-policies.txt"})["ids"]


def test_rebuild_embeds_everything_again(settings, fake_embed) -> None:
    first = run(settings, fake_embed)
    again = run(settings, fake_embed, rebuild=True)
    assert again.switched and again.embedded == first.chunks
    store = IndexStore.open(settings)
    names = sorted(c.name for c in store.client.list_collections() if c.name.startswith("loa_chunks_"))
    active = store.active()
    kept = {b + suffix for b in (active.name, active.info["previous"]) for suffix in ("", "_units", "_services")}
    assert set(names) == kept, "the serving build and the one before it, nothing else"


def test_bad_files_are_named_and_the_rest_ingests(settings, fake_embed) -> None:
    corpus = settings.corpus_dir
    (corpus / "empty.txt").write_text("")
    (corpus / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (corpus / "picture.png").write_bytes(b"\x89PNG\r\n")
    (corpus / "not-listed.md").write_text("# Hello\n\nNot in the manifest.")
    manifest = corpus / "manifest.toml"
    entry = MANIFEST_ENTRY.replace("TITLE", "T").replace("STATUS", "published")
    manifest.write_text(
        manifest.read_text() + "".join(entry.format(n) for n in ("empty.txt", "latin1.txt", "ghost.txt"))
    )
    report = run(settings, fake_embed)
    text = "\n".join(report.problems)
    assert "empty.txt: is empty" in text
    assert "latin1.txt: is not UTF-8" in text
    assert "picture.png: has an unknown file type" in text
    assert "not-listed.md: is not in manifest.toml" in text
    assert "ghost.txt: listed in manifest.toml but there is no such file" in text
    assert report.documents == 5 and report.switched and report.skipped


def test_cli_exit_status_says_whether_anything_was_skipped(settings, monkeypatch, capsys, fake_embed) -> None:
    import ingest.pipeline as pipeline

    monkeypatch.setattr(pipeline, "_default_embed_model", lambda settings=None: fake_embed)
    monkeypatch.setenv("LOA_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("LOA_INDEX_DIR", str(settings.index_dir))
    assert ingest_main(["--quiet"]) == 0
    assert "unchanged 0" in capsys.readouterr().out
    (settings.corpus_dir / "stray.txt").write_text("hello")
    assert ingest_main(["--quiet"]) == 1
    assert "stray.txt: is not in manifest.toml" in capsys.readouterr().out
    (settings.corpus_dir / "manifest.toml").write_text("not = [valid")
    assert ingest_main(["--quiet"]) == 2


def test_html_and_markdown_documents(settings, fake_embed) -> None:
    corpus = settings.corpus_dir
    (corpus / "extra.html").write_text(
        "<html><body><h1>Short Breaks Team</h1><h2>What we offer</h2><p>Weekend clubs for disabled children.</p>"
        "<ul><li>swimming</li><li>drama</li></ul><script>alert(1)</script></body></html>"
    )
    (corpus / "notes.md").write_text("# Travel Training Team\n\n## Contact\n\nEmail travel@example.org\n")
    entry = MANIFEST_ENTRY.replace("TITLE", "{}").replace("STATUS", "draft")
    manifest = corpus / "manifest.toml"
    manifest.write_text(manifest.read_text() + entry.format("extra.html", "Extra") + entry.format("notes.md", "Notes"))
    report = run(settings, fake_embed)
    assert not report.problems
    collection, _ = IndexStore.open(settings).serving_collection()
    got = collection.get(where={"doc": "extra.html"}, include=["documents", "metadatas"])
    assert got["metadatas"][0]["section"] == "Extra › Short Breaks Team › What we offer"
    assert "• swimming" in got["documents"][0] and "alert" not in got["documents"][0]
    notes = collection.get(where={"doc": "notes.md"}, include=["metadatas"])["metadatas"][0]
    assert notes["section"] == "Notes › Travel Training Team › Contact" and notes["status"] == "draft"


KILL_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from loa.settings import Settings
from ingest.pipeline import ingest
from tests.fakes import SlowEmbedding
settings = Settings(corpus_dir=Path({corpus!r}), index_dir=Path({index!r}))
ingest(settings, rebuild=True, embed_model=SlowEmbedding(model_name="slow"), progress=False)
"""


def test_killed_ingest_leaves_the_previous_index_serving(settings, fake_embed) -> None:
    first = run(settings, fake_embed)
    script = KILL_SCRIPT.format(root=str(PROJECT_ROOT), corpus=str(settings.corpus_dir), index=str(settings.index_dir))
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while "EMBEDDING-STARTED" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
        assert "EMBEDDING-STARTED" in line, "the ingest never reached embedding"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    store = IndexStore.open(settings)
    collection, active = store.serving_collection()
    assert collection.count() == first.chunks, "the previous index still serves in full"
    half_built = [
        c.name
        for c in store.client.list_collections()
        if c.name.startswith("loa_chunks_") and active.name not in c.name
    ]
    assert half_built, "the killed run had started a build of its own"
    again = run(settings, fake_embed, rebuild=True)
    assert again.switched
    store = IndexStore.open(settings)
    names = sorted(c.name for c in store.client.list_collections() if c.name.startswith("loa_chunks_"))
    active = store.active()
    kept = {b + suffix for b in (active.name, active.info["previous"]) for suffix in ("", "_units", "_services")}
    assert set(names) == kept, "the serving build and the one before it, nothing else"
