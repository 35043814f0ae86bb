"""``python -m ingest`` run as a user runs it, on a test's corpus and index."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest

from loa.settings import PROJECT_ROOT, Settings, child_env


@pytest.fixture
def run_ingest(settings: Settings) -> Callable[..., subprocess.CompletedProcess]:
    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        paths = {"LOA_CORPUS_DIR": str(settings.corpus_dir), "LOA_INDEX_DIR": str(settings.index_dir)}
        return subprocess.run(
            [sys.executable, "-m", "ingest", *args],
            cwd=PROJECT_ROOT,
            env=child_env(**paths, **env),
            capture_output=True,
            text=True,
            timeout=600,
        )

    return run
