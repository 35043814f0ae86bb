"""python -m bot: one question, a JSONL batch, and a clear message when the index is missing.

In-process tests stand a fake in for ``Bot.from_defaults`` (no model); the subprocess tests run the real
assistant against the session's real index and are marked quality.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.answer import Answer, Citation
from loa.settings import PROJECT_ROOT

CITATION_KEYS = {"n", "doc", "title", "status", "section", "text"}


class FakeBot:
    """Answers every question with a fixed cited sentence and records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, list]] = []

    def ask(self, question: str, history: list | None = None) -> Answer:
        self.asked.append((question, list(history or [])))
        citation = Citation(
            n=1,
            doc="learning-inclusion-service.txt",
            title="Learning Inclusion Service",
            status="published",
            status_label="Published",
            section="Learning Inclusion Service › Portage",
            text="Portage is a pre-school home visiting teaching and support service.",
            chunk_id="c1",
            start=0,
            end=68,
        )
        return Answer(
            question,
            "Portage is a pre-school home visiting teaching and support service. [1]",
            citations=[citation],
            latency_ms=12.345,
        )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Bot.from_defaults replaced by a FakeBot; 'loads' counts how often the assistant was built."""
    from bot.assistant import Bot

    state = {"bot": FakeBot(), "loads": 0}

    def from_defaults(cls, settings=None, embed_model=None):  # noqa: ANN001, ANN202
        state["loads"] += 1
        return state["bot"]

    monkeypatch.setattr(Bot, "from_defaults", classmethod(from_defaults))
    return state


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# -- in process -----------------------------------------------------------------------------------


def test_ask_json_prints_one_object(fake: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "what is portage?"]) == 0
    out = capsys.readouterr().out
    [data] = json_lines(out)
    assert {"answer", "refused", "citations", "latency_ms"} <= set(data)
    assert data["question"] == "what is portage?"
    assert data["latency_ms"] == 12.3
    assert "sentences" not in data
    assert set(data["citations"][0]) >= CITATION_KEYS


def test_ask_plain_text_lists_sources(fake: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "what is portage?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Portage is a pre-school home visiting teaching and support service. [1]")
    assert "\nSources:\n[1] Learning Inclusion Service — Learning Inclusion Service › Portage" in out


def test_ask_without_a_question_is_a_usage_error(fake: dict, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ask", "   "])
    assert exit_info.value.code == 2
    assert "give a question" in capsys.readouterr().err
    assert fake["loads"] == 0


def test_batch_reports_bad_lines_and_answers_the_rest(
    fake: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"id": "q1", "question": "what is portage?"}),
        "this is not JSON",
        json.dumps({"id": "q3", "question": 42}),
        json.dumps([1, 2, 3]),
        "",
        json.dumps({"id": 7, "question": "and their email?", "history": [{"role": "user", "content": "portage?"}]}),
        json.dumps({"question": "no id here"}),
        json.dumps({"id": "q8", "question": "ok", "history": "not a list"}),
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["ask", "--json", "--batch", str(batch)]) == 1  # some lines failed
    out = json_lines(capsys.readouterr().out)
    assert [o["id"] for o in out] == ["q1", "line-2", "q3", "line-4", 7, "line-7", "q8"]
    by_id = {o["id"]: o for o in out}
    for bad in ("line-2", "q3", "line-4", "q8"):
        assert set(by_id[bad]) == {"id", "error"}
    assert by_id["line-2"]["error"].startswith("line 2:")
    assert "question" in by_id["q3"]["error"] and by_id["q3"]["error"].startswith("line 3:")
    assert "history" in by_id["q8"]["error"]
    for good in ("q1", 7, "line-7"):
        assert "error" not in by_id[good] and by_id[good]["answer"]
        assert set(by_id[good]["citations"][0]) >= CITATION_KEYS
    assert fake["loads"] == 1  # one assistant for the whole batch
    assert fake["bot"].asked[1] == ("and their email?", [{"role": "user", "content": "portage?"}])


def test_batch_all_good_exits_zero(fake: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        "\n".join(json.dumps({"id": f"q{i}", "question": f"question {i}"}) for i in range(3)), encoding="utf-8"
    )
    assert main(["ask", "--batch", str(batch)]) == 0
    assert [o["id"] for o in json_lines(capsys.readouterr().out)] == ["q0", "q1", "q2"]


def test_batch_from_standard_input(
    fake: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"id": "s1", "question": "what is portage?"}) + "\n"))
    assert main(["ask", "--json", "--batch", "-"]) == 0
    [data] = json_lines(capsys.readouterr().out)
    assert data["id"] == "s1" and data["answer"]


def test_batch_file_missing(fake: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--batch", str(tmp_path / "nope.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "nope.jsonl" in err


def test_batch_with_invalid_utf8_does_not_crash(fake: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(b'{"id": "u1", "question": "what is portage \xff\xfe?"}\n')
    assert main(["ask", "--json", "--batch", str(batch)]) == 0
    [data] = json_lines(capsys.readouterr().out)
    assert data["id"] == "u1"


def test_missing_index_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOA_INDEX_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("LOA_CHROMA_URL", raising=False)
    assert main(["ask", "--json", "what is portage?"]) == 2
    captured = capsys.readouterr()
    [data] = json_lines(captured.out)
    assert set(data) == {"error"}
    assert "python -m ingest" in data["error"]
    assert "can't start" in captured.err and "python -m ingest" in captured.err


def test_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LOA_TOP_K", "lots")
    assert main(["ask", "what is portage?"]) == 2
    assert "LOA_TOP_K" in capsys.readouterr().err


# -- as a separate process ------------------------------------------------------------------------


def run_cli(args: list[str], index_dir: Path, **kwargs) -> subprocess.CompletedProcess[str]:  # noqa: ANN003
    env = {**os.environ, "LOA_INDEX_DIR": str(index_dir)}
    env.pop("LOA_CHROMA_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def test_missing_index_exits_2_without_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "no-index-here"
    empty.mkdir()
    result = run_cli(["ask", "what is portage?"], empty)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "there is no index" in result.stderr and "python -m ingest" in result.stderr
    assert result.stdout == ""


@pytest.mark.quality
def test_ask_json_real(real_settings) -> None:  # noqa: ANN001
    result = run_cli(["ask", "--json", "who do I email about exclusions?"], real_settings.index_dir)
    assert result.returncode == 0, result.stderr
    [data] = json_lines(result.stdout)
    assert {"answer", "refused", "citations", "latency_ms"} <= set(data)
    assert data["refused"] is False
    assert isinstance(data["latency_ms"], int | float)
    assert "exclusions@leeds.gov.uk" in data["answer"].lower()
    assert data["citations"]
    for citation in data["citations"]:
        assert set(citation) >= CITATION_KEYS
        assert citation["status"] in ("published", "draft")
    assert "Traceback" not in result.stderr


@pytest.mark.quality
def test_batch_real(real_settings, tmp_path: Path) -> None:  # noqa: ANN001
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"id": "portage", "question": "my son is 2 and not talking, can someone visit us?"}),
                "{not json",
                json.dumps({"id": "numeric", "question": 12345}),
                json.dumps({"id": "passport", "question": "how do I renew my passport"}),
                json.dumps(
                    {
                        "id": "follow-up",
                        "question": "and what's their email?",
                        "history": [{"role": "user", "content": "what does the Early Years SENIT do?"}],
                    }
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = run_cli(["ask", "--json", "--batch", str(batch)], real_settings.index_dir)
    assert result.returncode == 1  # one process; the bad lines make the exit code 1
    assert "Traceback" not in result.stderr
    out = json_lines(result.stdout)
    assert [o["id"] for o in out] == ["portage", "line-2", "numeric", "passport", "follow-up"]
    by_id = {o["id"]: o for o in out}
    assert by_id["line-2"]["error"].startswith("line 2:")
    assert by_id["numeric"]["error"].startswith("line 3:")
    assert by_id["portage"]["refused"] is False
    assert by_id["passport"]["refused"] is True
    assert "SEND@leeds.gov.uk" in by_id["follow-up"]["answer"]
