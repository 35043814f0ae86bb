"""The HTTP layer: a size cap before anything is read, and /ask called with the question alone."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from ui.http import MESSAGE


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_a_huge_request_is_refused_before_it_is_read(serve, real_settings, tmp_path: Path) -> None:  # noqa: ANN001
    base = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3", max_request_bytes=100_000)).rstrip("/")
    status, body = post(base + "/gradio_api/call/ask", json.dumps({"data": ["x" * 200_000]}).encode())
    assert status == 413 and json.loads(body)["error"] == MESSAGE
    # sent without a length, the body is cut off at the cap rather than kept
    host = urlparse(base)
    with socket.create_connection((host.hostname, host.port), timeout=30) as sock:
        sock.sendall(
            b"POST /gradio_api/call/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 50_000
        try:
            for _ in range(10):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except OSError:
            pass  # the server may close the connection once over the cap
        reply = sock.recv(4096)
    assert b" 413 " in reply.split(b"\r\n", 1)[0]


def test_ask_answers_the_question_alone(serve, real_settings, tmp_path: Path) -> None:  # noqa: ANN001
    base = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3")).rstrip("/")
    status, body = post(base + "/gradio_api/call/ask", json.dumps({"data": ["what is portage?"]}).encode())
    assert status == 200, body
    event = json.loads(body)["event_id"]
    with urllib.request.urlopen(f"{base}/gradio_api/call/ask/{event}", timeout=60) as response:
        stream = response.read().decode()
    assert "event: complete" in stream, stream
    data = json.loads(stream.split("data: ", 1)[1].splitlines()[0])
    assert "Portage" in json.loads(data[0])["answer"]
