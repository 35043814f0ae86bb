"""The log holds no personal details, whoever writes it, and a repeated error is written a few times only.

Unit tests of the filters and the standard-error wrapper (ui/logs.py), a child process that logs the way
Gradio and uvicorn do, and the real app started as users start it (``python app.py``), sent malformed
calls carrying phone numbers and emails, whose whole output is then searched for them.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loa.settings import PROJECT_ROOT, child_env
from tests.ui.conftest import free_port
from ui.logs import RedactFilter, RedactingStream, RepeatFilter, Repeats, RepeatSettings

PHONES = st.builds(
    lambda a, b, c, sep: f"0{a}{sep}{b}{sep}{c}",
    st.sampled_from(["113", "7700", "20"]),
    st.integers(100, 999).map(str),
    st.integers(1000, 9999).map(str),
    st.sampled_from([" ", "", "-", "  "]),
)
EMAILS = st.builds(
    lambda n, d: f"{n}@{d}.co.uk",
    st.from_regex(r"[a-z]{3,8}", fullmatch=True),
    st.sampled_from(["mail", "example", "family"]),
)


def record(msg: str, *args: object, exc: bool = False, name: str = "gradio") -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise ValueError("bad input: call 0113 222 3333")
        except ValueError:
            info = sys.exc_info()
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, info)


def test_redact_filter_rewrites_message_arguments_and_traceback() -> None:
    rec = record("inputs %s from %s", ["call me on (0113) 222 3333"], "jo@example.com", exc=True)
    assert RedactFilter().filter(rec)
    text = logging.Formatter().format(rec)
    assert "3333" not in text and "jo@example.com" not in text and "ValueError" in text


def test_repeats_are_counted_and_let_through_again_after_the_window() -> None:
    now = [0.0]
    repeats = Repeats(RepeatSettings(window=60, allowed=3), clock=lambda: now[0])
    flt = RepeatFilter(repeats)
    passed = [flt.filter(record("Exception in ASGI application")) for _ in range(10)]
    assert passed == [True] * 3 + [False] * 7
    now[0] = 61
    later = record("Exception in ASGI application")
    assert flt.filter(later) and "7 repeated log record(s)" in later.getMessage()


def test_stderr_tracebacks_are_redacted_and_rate_limited() -> None:
    out = io.StringIO()
    stream = RedactingStream(out, Repeats(RepeatSettings(allowed=2)))
    block = (
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in <module>\n'
        "ValueError: Received inputs:\n"
        '    ["call me on 0113 222 3333", "jo@example.com"]\n'
    )
    for _ in range(20):
        stream.write(block)
    stream.write("a line, and 07700 900123\n")
    stream.flush()
    text = out.getvalue()
    assert "3333" not in text and "jo@example.com" not in text and "900123" not in text
    assert text.count("Traceback") == 2 and "repeated log record(s) were left out" in text


def test_a_process_logging_like_gradio_writes_each_error_a_few_times(tmp_path: Path) -> None:
    script = (
        "import logging, sys, traceback\n"
        "from ui.logs import configure_logging\n"
        "configure_logging()\n"
        "for i in range(50):\n"
        "    try:\n"
        "        raise KeyError('no event for jo@example.com, 0113 222 3333')\n"
        "    except KeyError:\n"
        "        traceback.print_exc()\n"
        "        logging.getLogger('uvicorn.error').exception('Exception in ASGI application')\n"
        "sys.stderr.flush()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, env=child_env()
    )
    assert done.returncode == 0, done.stderr
    assert "3333" not in done.stderr and "jo@example.com" not in done.stderr
    assert done.stderr.count("Traceback") <= 6 and len(done.stderr) < 8_000


# -- the real app --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app_process(real_settings, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    """``python app.py`` on a free port, its standard output and error in one file."""
    port = free_port()
    log = tmp_path_factory.mktemp("applog") / "app.log"
    env = child_env(
        LOA_PORT=str(port),
        LOA_INDEX_DIR=str(real_settings.index_dir),
        LOA_FEEDBACK_DB=str(log.parent / "fb.sqlite3"),
        LOA_STAFF_PASSWORD="s3cret-for-the-log-test",
    )
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 180
    while b"running at" not in log.read_bytes():
        assert process.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.5)
    yield f"http://127.0.0.1:{port}", log
    process.terminate()
    process.wait(timeout=30)


def post(url: str, body: bytes) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            reply.read()
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code


def malformed_calls(base: str, secret: str) -> list[tuple[str, bytes]]:
    text = json.dumps(secret)
    return [
        (f"{base}/gradio_api/run/comment", f'{{"data": [{text}]}}'.encode()),
        (f"{base}/gradio_api/run/ask", f'{{"data": [{text}, "[]", {text}]}}'.encode()),
        (f"{base}/gradio_api/run/ask", f'{{"data": [{text}, {text}]}}'.encode()),
        (f"{base}/gradio_api/run/ask", f'{{"data": [{text}, "[]"'.encode()),
        (f"{base}/gradio_api/queue/join", f'{{"data": [{text}], "fn_index": 0, "session_hash": "x"}}'.encode()),
        (f"{base}/gradio_api/queue/join", f'{{"data": [{text}], "fn_index": 77, "session_hash": "x"}}'.encode()),
        (f"{base}/staff/gradio_api/queue/join", f'{{"data": [{text}], "fn_index": 0, "session_hash": "x"}}'.encode()),
        (f"{base}/gradio_api/call/{secret.split()[-1]}", b'{"data": []}'),
    ]


def test_malformed_calls_leave_no_personal_details_in_the_log(app_process) -> None:  # noqa: ANN001
    base, log = app_process
    sent: list[str] = []

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(phone=PHONES, email=EMAILS)
    def check(phone: str, email: str) -> None:
        secret = f"call me on {phone} or {email}"
        sent.extend([re.sub(r"\D", "", phone), email])
        for url, body in malformed_calls(base, secret):
            assert post(url, body) < 500

    check()
    time.sleep(1)
    text = log.read_text(errors="replace")
    digits = [re.sub(r"\D", "", line) for line in text.splitlines()]  # however the number was spaced
    leaked = [s for s in sent if (s in text if "@" in s else any(s in line for line in digits))]
    assert leaked == [], text[-3000:]
    assert len(text) < 20_000, "malformed calls should not fill the log"
    assert os.path.getsize(log) < 20_000
