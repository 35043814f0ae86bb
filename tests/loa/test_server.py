"""Scale-out on a Chroma server, and the faults a council will meet.

A real `chroma run` on a free loopback port with a temporary path: ingest into
it, answer through it, kill it mid-session (a clear message), restart it (the
next question is answered again), and stop it. Plus a damaged on-disk index,
and a running bot moving to a new build after an ingest.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.assistant import Bot
from bot.wording import MESSAGES
from ingest.pipeline import ingest
from loa.settings import Settings
from loa.store import IndexStore, IndexUnavailable

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_chroma(path: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("chroma run exited") from None
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError("chroma run did not start within 60 s")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Path, int, list[subprocess.Popen]]]:
    path, port = tmp_path / "chroma-server", free_port()
    procs = [start_chroma(path, port)]
    yield path, port, procs
    for proc in procs:
        stop(proc)


def test_ingest_and_answer_through_a_chroma_server(server, settings: Settings, fake_embed) -> None:  # noqa: ANN001
    path, port, procs = server
    remote = settings.with_(chroma_url=f"http://127.0.0.1:{port}")
    report = ingest(remote, embed_model=fake_embed, progress=False, say=lambda m: None)
    assert report.switched and report.chunks > 100
    assert not (settings.index_dir / "chroma").exists(), "nothing was written to the on-disk index"
    again = ingest(remote, embed_model=fake_embed, progress=False, say=lambda m: None)
    assert not again.switched and again.unchanged == report.chunks

    bot = Bot.from_defaults(remote, embed_model=fake_embed)
    answer = bot.ask("Who do I email about exclusions?")
    assert not answer.refused and "exclusions@leeds.gov.uk" in answer.answer.lower()

    # the server goes away mid-session: a clear message, never a traceback
    stop(procs.pop(), signal.SIGKILL)
    down = bot.ask("Who do I email about exclusions?")
    assert down.kind == "error" and down.answer == MESSAGES["unavailable"]

    # ... and comes back: answering resumes without restarting the bot
    procs.append(start_chroma(path, port))
    back = bot.ask("Who do I email about exclusions?")
    assert back.kind != "error" and "exclusions@leeds.gov.uk" in back.answer.lower()


def test_unreachable_server_is_a_clear_message(settings: Settings) -> None:
    remote = settings.with_(chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(IndexUnavailable, match="Chroma server|cannot be read"):
        Bot.from_defaults(remote)


def test_cli_with_an_unreachable_server_exits_cleanly(settings: Settings) -> None:
    env = {**os.environ, "LOA_CHROMA_URL": f"http://127.0.0.1:{free_port()}"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "hello"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "Chroma server" in done.stderr


def test_damaged_index_is_reported_and_rebuilt_without_losing_it(settings: Settings, fake_embed) -> None:  # noqa: ANN001
    ingest(settings, embed_model=fake_embed, progress=False, say=lambda m: None)
    database = settings.index_dir / "chroma" / "chroma.sqlite3"
    database.write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexUnavailable, match="--rebuild"):
        Bot.from_defaults(settings, embed_model=fake_embed)
    env = {**os.environ, "LOA_INDEX_DIR": str(settings.index_dir), "LOA_CORPUS_DIR": str(settings.corpus_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "hi"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr and "--rebuild" in done.stderr

    report = ingest(settings, rebuild=True, embed_model=fake_embed, progress=False, say=lambda m: None)
    assert report.switched
    kept = list(settings.index_dir.glob("chroma.unreadable-*"))
    assert kept and (kept[0] / "chroma.sqlite3").read_bytes().startswith(b"this is not"), "the damaged index is kept"
    assert not Bot.from_defaults(settings, embed_model=fake_embed).ask("What does Portage offer?").refused


def test_deleted_index_says_how_to_build_it(settings: Settings) -> None:
    with pytest.raises(IndexUnavailable, match="python -m ingest"):
        Bot.from_defaults(settings)


def test_running_bot_moves_to_a_new_build(settings: Settings, fake_embed) -> None:  # noqa: ANN001
    ingest(settings, embed_model=fake_embed, progress=False, say=lambda m: None)
    bot = Bot.from_defaults(settings, embed_model=fake_embed)
    loaded = IndexStore.open(settings).active().name
    path = settings.corpus_dir / "learning-access-service.txt"
    path.write_text(path.read_text().replace("within 3 days", "within 4 days"))
    ingest(settings, embed_model=fake_embed, progress=False, say=lambda m: None)
    # the previous build is kept, so the bot keeps answering before it reloads
    assert not bot.ask("Who do I email about exclusions?").refused
    assert bot.refresh(force=True)
    assert bot._source is not None and bot._source[2] != loaded
    assert any("within 4 days" in p.text for p in bot.retriever.passages.values())


@pytest.mark.quality
def test_several_processes_serve_from_one_server(server, real_settings: Settings, tmp_path: Path) -> None:
    """Two separate processes answer from the same Chroma server at the same time."""
    _, port, _ = server
    url = f"http://127.0.0.1:{port}"
    remote = real_settings.with_(chroma_url=url, index_dir=tmp_path / "unused")
    assert ingest(remote, progress=False, say=lambda m: None).switched  # the real model, into the server
    env = {**os.environ, "LOA_CHROMA_URL": url}
    questions = ["Who do I email about exclusions?", "What does the Visual Impairment Team do?"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "ask", "--json", q], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for q in questions
    ]
    outputs = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err.decode()[-500:]
        assert b'"refused": false' in out
