"""Speed and memory, measured in fresh processes as a user would meet them."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from loa.settings import PROJECT_ROOT, Settings, child_env


@dataclass
class Timed:
    seconds: float
    peak_mb: float
    ok: bool
    output: str = ""


def _timed(args: list[str], env: dict[str, str]) -> Timed:
    """Wall time and peak memory (max RSS) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Timed(time.perf_counter() - started, usage.ru_maxrss / 1024, proc.returncode == 0, output)


def measure(
    settings: Settings, question: str = "Who can I contact about school exclusions?"
) -> dict[str, float | None]:
    """Cold start to first answer, full and no-op ingest, and peak memory of the answering process."""
    env = child_env(LOA_CORPUS_DIR=str(settings.corpus_dir))
    cold = _timed(
        [sys.executable, "-m", "bot", "ask", "--json", question], {**env, "LOA_INDEX_DIR": str(settings.index_dir)}
    )
    with tempfile.TemporaryDirectory(prefix="loa-speed-") as tmp:
        fresh = {**env, "LOA_INDEX_DIR": tmp}
        full = _timed([sys.executable, "-m", "ingest", "--quiet"], fresh)
        noop = _timed([sys.executable, "-m", "ingest", "--quiet"], fresh)
    return {
        "cold_start_s": round(cold.seconds, 2) if cold.ok else None,
        "answer_peak_memory_mb": round(cold.peak_mb, 1) if cold.ok else None,
        "ingest_full_s": round(full.seconds, 2) if full.ok else None,
        "ingest_noop_s": round(noop.seconds, 2) if noop.ok else None,
        "ingest_peak_memory_mb": round(full.peak_mb, 1) if full.ok else None,
    }
