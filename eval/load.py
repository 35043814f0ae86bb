"""Load test: many gradio_client clients asking at once, against the running app on this machine.

    python -m eval.load [--url URL] [--clients 20] [--seconds 60] [--questions FILE]

Each client (a thread with its own ``gradio_client.Client``, so its own session) asks questions in a
loop through ``/ask`` until the time is up. A request counts as an error when it raises, times out,
or returns something other than a JSON object with an "answer" string and a "citations" list, or an
answer of kind "error" (the app's "something went wrong"). It prints throughput, p50/p95/max latency
and the error count, and exits 1 if there was any error.

Without ``--url`` it starts the app itself (the index in ``LOA_INDEX_DIR``, built first if missing)
on a free loopback port, with a throwaway feedback database, and stops it at the end. Only loopback
URLs are accepted: this is a tool for your own machine, not for someone else's server.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import math
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from eval.qa import QA_FILE
from loa.settings import Settings, SettingsError, configure_offline

REQUEST_TIMEOUT = 60.0  # seconds one answer may take, queueing included
CONNECT_TIMEOUT = 60.0  # seconds to open a client (it fetches the app's config and API description)
MAX_REQUESTS_PER_CLIENT = 100_000  # a bound on the loop besides the clock
MAX_ERROR_SAMPLES = 10


def load_questions(path: Path = QA_FILE) -> list[str]:
    """Questions from JSON lines with a "question" field (like eval/qa.jsonl), or one question a line."""
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line)
        except ValueError:
            item = line
        if isinstance(item, dict):
            item = item.get("question")
        if isinstance(item, str) and item.strip():
            questions.append(item)
    if not questions:
        raise ValueError(f"no questions in {path}")
    return questions


def check_loopback(url: str) -> str:
    """The URL, if it points at this machine; ValueError otherwise."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"not an http URL: {url}")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"only loopback URLs (127.0.0.1, localhost) are allowed, not {host or url!r}")
    return url


def check_answer(raw: object) -> str | None:
    """None for a well-formed answer, else what is wrong with it."""
    if not isinstance(raw, str):
        return f"not a JSON string: {type(raw).__name__}"
    try:
        data = json.loads(raw)
    except ValueError:
        return f"malformed JSON: {raw[:80]!r}"
    if not isinstance(data, dict):
        return f"not a JSON object: {raw[:80]!r}"
    if not isinstance(data.get("answer"), str) or not isinstance(data.get("citations"), list):
        return f"no answer/citations: {raw[:80]!r}"
    if data.get("kind") == "error":
        return f"error answer: {data.get('notes')} {data['answer'][:80]!r}"
    return None


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


class _Tally:
    def __init__(self, clients: int) -> None:
        self.lock = threading.Lock()
        self.latencies_ms: list[float] = []  # successful requests
        self.ok = [0] * clients
        self.requests = 0
        self.errors = 0
        self.resent = 0  # requests the client library dropped before the server answered, sent again
        self.samples: list[str] = []

    def record(self, client: int, latency_ms: float, problem: str | None) -> None:
        with self.lock:
            self.requests += 1
            if problem is None:
                self.ok[client] += 1
                self.latencies_ms.append(latency_ms)
            else:
                self._error(f"client {client}: {problem}")

    def error(self, problem: str) -> None:
        with self.lock:
            self._error(problem)

    def _error(self, problem: str) -> None:
        self.errors += 1
        if len(self.samples) < MAX_ERROR_SAMPLES:
            self.samples.append(problem[:300])


def _client(url: str):  # noqa: ANN202
    from gradio_client import Client

    return Client(
        url,
        verbose=False,
        analytics_enabled=False,  # gradio_client sends telemetry unless told not to
        download_files=False,
        max_workers=2,
        httpx_kwargs={"timeout": CONNECT_TIMEOUT},
    )


def _worker(
    index: int,
    url: str,
    questions: Sequence[str],
    tally: _Tally,
    ready: threading.Barrier,
    clock: dict[str, float],
    stop: threading.Event,
) -> None:
    client = None
    try:
        client = _client(url)
    except Exception as err:  # noqa: BLE001 - a client that cannot connect is an error, not a crash
        tally.error(f"client {index}: could not connect: {type(err).__name__}: {err}")
    with suppress(threading.BrokenBarrierError):  # broken: someone never connected; go on regardless
        ready.wait(timeout=CONNECT_TIMEOUT + 10)  # everyone starts together, after all have connected
    if client is None:
        return
    try:
        deadline = clock["deadline"]
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if stop.is_set() or time.monotonic() >= deadline:
                break
            question = questions[(index * 7 + n) % len(questions)]  # clients start at different questions
            started = time.perf_counter()
            problem = _ask(client, question, tally)
            tally.record(index, (time.perf_counter() - started) * 1000, problem)
    finally:
        client.close()


def _ask(client, question: str, tally: _Tally) -> str | None:  # noqa: ANN001 - a gradio_client Client
    """One question through /ask; what went wrong, or None. gradio_client ends a job with CancelledError when
    the session's event stream closes as the next job starts (seen once in 934 requests); that job is sent
    once more and counted as resent; a server that had answered it would log it twice, which the tests catch."""
    from concurrent.futures import CancelledError

    for attempt in range(2):
        job = None
        try:
            job = client.submit(question, "[]", api_name="/ask")
            return check_answer(job.result(timeout=REQUEST_TIMEOUT))
        except CancelledError:
            if attempt == 0:
                with tally.lock:
                    tally.resent += 1
                continue
            return "CancelledError twice"
        except Exception as err:  # noqa: BLE001 - counted, with what went wrong
            if job is not None:
                job.cancel()
            return f"{type(err).__name__}: {err}"
    return None


def run_load(
    url: str | Sequence[str], clients: int = 20, seconds: float = 60.0, questions: Sequence[str] | None = None
) -> dict:
    """Run ``clients`` concurrent clients for ``seconds`` against ``url`` (loopback only); given several URLs
    (app processes sharing one database and index), the clients take them in turn.

    Returns requests, ok, errors, throughput (requests/s), p50/p95/max latency in ms (successful
    requests), per-client successful answers, elapsed seconds and up to ten error messages.
    """
    urls = [url] if isinstance(url, str) else list(url)
    for each in urls:
        check_loopback(each)
    if clients < 1 or seconds <= 0:
        raise ValueError("clients must be at least 1 and seconds more than 0")
    questions = list(questions) if questions else load_questions()
    tally = _Tally(clients)
    # the barrier's action sets the real start once every client is connected; this is the fallback
    clock = {"started": time.monotonic(), "deadline": time.monotonic() + CONNECT_TIMEOUT + 10 + seconds}
    stop = threading.Event()

    def start_clock() -> None:  # run by the barrier once every client is connected
        clock["started"] = time.monotonic()
        clock["deadline"] = clock["started"] + seconds

    ready = threading.Barrier(clients, action=start_clock)
    threads = [
        threading.Thread(
            target=_worker,
            args=(i, urls[i % len(urls)], questions, tally, ready, clock, stop),
            name=f"load-client-{i}",
            daemon=True,
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    give_up = time.monotonic() + CONNECT_TIMEOUT + 10 + seconds + REQUEST_TIMEOUT + 30
    try:
        for thread in threads:
            thread.join(timeout=max(0.0, give_up - time.monotonic()))
    finally:
        stop.set()
    finished = time.monotonic()
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        tally.error(f"{stuck} client(s) still running after {finished - clock['started']:.0f} s")
    elapsed = finished - clock["started"]
    with tally.lock:
        latencies = list(tally.latencies_ms)
        return {
            "url": ", ".join(urls),
            "clients": clients,
            "seconds": seconds,
            "elapsed_s": round(elapsed, 2),
            "requests": tally.requests,
            "ok": sum(tally.ok),
            "errors": tally.errors,
            "resent": tally.resent,
            "ok_per_client": list(tally.ok),
            "throughput_rps": round(tally.requests / elapsed, 2) if elapsed > 0 else 0.0,
            "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1),
            "max_ms": round(max(latencies, default=0.0), 1),
            "error_samples": list(tally.samples),
        }


def summary(result: dict) -> str:
    lines = [
        f"{result['clients']} clients for {result['seconds']:g} s against {result['url']}"
        f" (measured {result['elapsed_s']:.1f} s)",
        f"requests {result['requests']}  ok {result['ok']}  errors {result['errors']}"
        f"  resent after the client dropped them {result.get('resent', 0)}",
        f"throughput {result['throughput_rps']:.1f} requests/s",
        f"latency p50 {result['p50_ms']:.0f} ms  p95 {result['p95_ms']:.0f} ms  max {result['max_ms']:.0f} ms",
        f"answers per client: min {min(result['ok_per_client'])}  max {max(result['ok_per_client'])}",
    ]
    lines += [f"error: {sample}" for sample in result["error_samples"]]
    return "\n".join(lines)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(settings: Settings | None = None) -> Iterator[str]:
    """The app on a free loopback port, with a throwaway feedback database; its URL. Stopped on exit."""
    import app
    from bot.assistant import Bot

    with tempfile.TemporaryDirectory(prefix="loa-load-") as tmp:
        settings = (settings or Settings.from_env()).with_(
            host="127.0.0.1", port=_free_port(), feedback_db=Path(tmp) / "feedback.sqlite3"
        )
        app.ensure_index(settings)
        demo = app.build_app(Bot.from_defaults(settings), settings)
        try:
            yield app.launch(demo, settings, block=False)
        finally:
            demo.close()


def main(argv: Sequence[str] | None = None) -> int:
    configure_offline()
    parser = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running app on this machine (default: start one on a free port)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to keep asking (default 60)")
    parser.add_argument("--questions", type=Path, default=QA_FILE, help="JSON lines with a question field")
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.clients > 200 or args.seconds <= 0 or args.seconds > 3600:
        parser.error("--clients must be 1-200 and --seconds more than 0 and at most 3600")
    try:
        questions = load_questions(args.questions)
        if args.url:
            check_loopback(args.url)
    except (OSError, ValueError) as err:  # SettingsError is a ValueError
        print(f"eval.load: {err}", file=sys.stderr)
        return 2

    def run(url: str) -> dict[str, Any]:
        print(f"load: {args.clients} clients asking for {args.seconds:g} s...", flush=True)
        return run_load(url, args.clients, args.seconds, questions)

    if args.url:
        result = run(args.url)
    else:
        from loa.store import IndexUnavailable

        try:
            with serving() as url:
                result = run(url)
        except (IndexUnavailable, SettingsError, OSError) as err:
            print(f"eval.load: the app can't start: {err}", file=sys.stderr)
            return 2
    print(summary(result), flush=True)
    if args.json:
        print(json.dumps(result), flush=True)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
