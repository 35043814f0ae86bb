"""A throwaway PostgreSQL server for the tests: Debian's postgresql 15, in a temporary folder, on a free port.

initdb refuses to run as root, so as root the server runs as the ``postgres`` user the Debian package
creates. It listens on 127.0.0.1 only, trusts local connections (nothing else can reach it) and is
stopped, its folder deleted, when the tests end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    return (BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser") is not None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields a SQLAlchemy URL of an empty database ``loa`` on a fresh server."""
    root = Path(tempfile.mkdtemp(prefix="loa-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        root.chmod(0o700)
    port = _free_port()
    run = lambda args: subprocess.run(_as_owner(args), check=True, capture_output=True, timeout=120)  # noqa: E731
    run([str(BIN / "initdb"), "-D", str(data), "-U", "loa", "--auth=trust", "-E", "UTF8", "--no-sync"])
    run(
        [
            str(BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "log"),
            "-w",
            "-t",
            "60",
            "start",
            "-o",
            f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off -c max_connections=100",
        ]
    )
    try:
        deadline = time.monotonic() + 30
        while subprocess.run(
            _as_owner([str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "loa", "loa"]),
            capture_output=True,
        ).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError("postgres did not start: " + (root / "log").read_text(errors="replace")[-2000:])
            time.sleep(0.3)
        yield f"postgresql+psycopg://loa@127.0.0.1:{port}/loa"
    finally:
        subprocess.run(_as_owner([str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
