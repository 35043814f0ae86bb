"""Twenty people asking at once: every request answered, none failing, and each client served.

The CI variant runs for about 15 s; the documented longer run is ``python -m eval.load --seconds 60``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.load import REQUEST_TIMEOUT, check_answer, check_loopback, load_questions, percentile, run_load, summary

CLIENTS = 20
SECONDS = 15


@pytest.mark.quality
def test_twenty_concurrent_clients_are_all_answered(serve, real_settings, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    url = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3"))
    assert url.startswith("http://127.0.0.1:")

    result = run_load(url, clients=CLIENTS, seconds=SECONDS, questions=load_questions())

    with capsys.disabled():  # shown in CI logs without -s
        print(f"\n[load] {summary(result)}", flush=True)
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] == result["ok"] > 0
    assert len(result["ok_per_client"]) == CLIENTS and min(result["ok_per_client"]) >= 1, result["ok_per_client"]
    assert result["elapsed_s"] < SECONDS + REQUEST_TIMEOUT
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]


def test_only_loopback_urls_are_loaded() -> None:
    for url in ("http://127.0.0.1:7860/", "http://localhost:7860", "http://[::1]:7860/", "http://127.0.0.2/"):
        assert check_loopback(url) == url
    for url in ("http://example.com/", "http://10.0.0.1:7860/", "https://huggingface.co/spaces/x", "ftp://127.0.0.1/"):
        with pytest.raises(ValueError):
            check_loopback(url)
    with pytest.raises(ValueError):
        run_load("http://192.168.1.1:7860/", clients=1, seconds=1, questions=["hi"])


def test_answers_are_checked_and_latencies_ranked(tmp_path: Path) -> None:
    assert check_answer('{"answer": "Yes. [1]", "citations": [{"n": 1}], "kind": "answer"}') is None
    assert check_answer('{"answer": "Please type a question.", "citations": [], "kind": "empty"}') is None
    for bad in ("not json", "[]", '{"answer": 1, "citations": []}', '{"answer": "x"}', None, 5):
        assert check_answer(bad) is not None
    assert "error answer" in check_answer('{"answer": "Sorry.", "citations": [], "kind": "error", "notes": ["error"]}')

    assert percentile([], 95) == 0.0
    assert percentile([3.0], 50) == 3.0
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 100)) == (50.0, 95.0, 100.0)

    plain = tmp_path / "questions.txt"
    plain.write_text('what is portage?\n\n{"id": "x", "question": "who runs SENDIASS?"}\n{"id": "y"}\n')
    assert load_questions(plain) == ["what is portage?", "who runs SENDIASS?"]
    assert len(load_questions()) > 100  # eval/qa.jsonl
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(ValueError):
        load_questions(tmp_path / "empty.jsonl")
