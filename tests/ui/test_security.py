"""No path from the UI or the API reads files: Gradio's file routes refuse the project and the system."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from loa.settings import PROJECT_ROOT

TARGETS = [
    "/etc/passwd",
    str(PROJECT_ROOT / "corpus" / "manifest.toml"),
    str(PROJECT_ROOT / "pyproject.toml"),
    "../../../../etc/passwd",
]
ROUTES = ["/gradio_api/file={}", "/file={}", "/gradio_api/file/{}"]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


@pytest.mark.parametrize("route", ROUTES)
def test_file_routes_serve_nothing_from_disk(serve, real_settings, tmp_path: Path, route: str) -> None:  # noqa: ANN001
    base = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3")).rstrip("/")
    for target in TARGETS:
        status, body = fetch(base + route.format(urllib.parse.quote(target)))
        assert b"root:" not in body and b"[[document]]" not in body and b"[project]" not in body, (route, target)
        assert status >= 400 or not body.strip() or b"<html" in body.lower()[:200], (route, target, status)


def test_binds_to_loopback_by_default() -> None:
    from loa.settings import Settings

    assert Settings.from_env({}).host == "127.0.0.1"
