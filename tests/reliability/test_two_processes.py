"""Scaled out: two app processes sharing one Postgres and one `chroma run` server, under load.

Everything is real and started here: PostgreSQL 15 on a free port, a Chroma server, an ingest into it,
and two `python app.py` processes on two ports. 20 gradio_client clients ask for 60 s across both: no
errors, every question logged exactly once, /healthz ready on both, and the staff area of either
process, signed in through Chromium, shows every question.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from eval.load import run_load, summary
from ingest.pipeline import ingest
from loa.settings import PROJECT_ROOT, Settings, child_env
from tests.loa.test_server import free_port, start_chroma, stop
from tests.ui.test_browser import ARGS, CHROMIUM

PASSWORD = "a staff password for two processes"
SECONDS = float(os.environ.get("LOA_TEST_LOAD_SECONDS", "60"))

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium")


def start_app(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=PROJECT_ROOT,
            env=child_env(LOA_PORT=str(port), **env),
            stdout=out,
            stderr=out,
            start_new_session=True,
        )


def wait_until_up(proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 240
    while b"running at" not in log.read_bytes():
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
        time.sleep(0.5)


def staff_view_count(url: str) -> str:
    """Sign in to a process's staff area in Chromium and read what it says it holds."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(60_000)
        page.goto(url + "staff")
        page.get_by_label("User name").fill("staff")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Show").click()
        page.wait_for_selector("#loa-insights-summary strong")
        text_ = page.locator("#loa-insights-summary").inner_text()
        browser.close()
    return text_


def test_two_processes_share_one_database_and_one_index(postgres_url: str, tmp_path: Path) -> None:
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    chroma_port = free_port()
    chroma = start_chroma(tmp_path / "chroma", chroma_port)
    apps: list[subprocess.Popen] = []
    try:
        chroma_url = f"http://127.0.0.1:{chroma_port}"
        report = ingest(Settings(chroma_url=chroma_url), progress=False, say=lambda m: None)
        assert report.switched
        env = {
            "LOA_CHROMA_URL": chroma_url,
            "LOA_DATABASE_URL": postgres_url,
            "LOA_STAFF_PASSWORD": PASSWORD,
            "LOA_SESSION_SECRET": "one secret for both processes " * 2,
        }
        ports = [free_port(), free_port()]
        logs = [tmp_path / f"app{i}.log" for i in range(2)]
        apps = [start_app(port, env, log) for port, log in zip(ports, logs, strict=True)]
        for proc, log in zip(apps, logs, strict=True):
            wait_until_up(proc, log)
        urls = [f"http://127.0.0.1:{port}/" for port in ports]
        for url in urls:
            health = httpx.get(url + "healthz", timeout=30)
            assert health.status_code == 200 and health.json() == {"ok": True, "index": True, "database": True}

        result = run_load(urls, clients=20, seconds=SECONDS)
        print("\n[two processes] " + summary(result).replace("\n", "\n[two processes] "))
        assert result["errors"] == 0, result["error_samples"]
        assert result["ok"] == result["requests"] > 0

        time.sleep(3)  # the question log writes after each reply
        with engine.connect() as conn:
            logged = conn.execute(
                text("SELECT count(*), count(DISTINCT id) FROM questions WHERE channel = 'api'")
            ).one()
        assert logged == (result["ok"], result["ok"]), "every question logged exactly once"
        for url in urls:
            assert f"{result['ok']} questions" in staff_view_count(url)
    finally:
        for proc in apps:
            stop(proc)
        stop(chroma)
        engine.dispose()
