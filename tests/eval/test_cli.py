"""python -m eval: bad QA lines reported by number, the rest still run, three reports written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval.__main__ import main
from eval.qa import QA_FILE
from loa.settings import PROJECT_ROOT


def qa_lines(*ids: str) -> list[str]:
    wanted = set(ids)
    lines = [line for line in QA_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [line for line in lines if json.loads(line)["id"] in wanted]


def test_unknown_category_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--only", "trivia", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "unknown category 'trivia'" in err
    assert "fact" in err and "out-of-scope" in err  # the valid ones are listed
    assert not (tmp_path / "out").exists()


def test_missing_questions_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--questions", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_no_valid_questions_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text("not json\n{}\n", encoding="utf-8")
    assert main(["--questions", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "qa.jsonl line 1" in err and "qa.jsonl line 2" in err
    assert "no questions to run" in err


def test_only_a_category_with_no_items_in_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(qa_lines("q001")) + "\n", encoding="utf-8")
    assert main(["--questions", str(path), "--only", "crisis", "--out", str(tmp_path / "out")]) == 2
    assert "no questions to run" in capsys.readouterr().err


@pytest.mark.quality
def test_small_run_writes_reports_and_reports_the_bad_line(real_settings, tmp_path: Path) -> None:  # noqa: ANN001
    good = qa_lines("q001", "q145", "q162")  # a fact, an out-of-scope refusal and a crisis
    assert len(good) == 3
    path = tmp_path / "tiny.jsonl"
    path.write_text("\n".join([good[0], good[1], '{"id": "broken", "question":', good[2]]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "LOA_INDEX_DIR": str(real_settings.index_dir)}
    env.pop("LOA_CHROMA_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "eval", "--questions", str(path), "--no-baselines", "--no-speed", "--out", str(out)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "tiny.jsonl line 3" in result.stderr
    assert "Traceback" not in result.stderr
    for name in ("report.md", "report.html", "results.json"):
        assert (out / name).is_file(), name
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["meta"]["n_items"] == {"tiny": 3}
    tiny = results["splits"]["tiny"]
    assert any(e.startswith("line 3") for e in tiny["errors"])
    assert set(tiny["systems"]) == {"assistant"}
    assistant = tiny["systems"]["assistant"]
    assert set(assistant["answers"]["by_category"]) == {"fact", "out-of-scope", "crisis"}
    assert assistant["invented"]["contacts"] == 0
    assert assistant["routes"]["crisis"] == {"crisis": 1}
    assert results["gate"]["split"] == "tiny" and tiny["ratios"] == {}
    assert "line 3" in (out / "report.md").read_text(encoding="utf-8")
    assert "report.md" in result.stdout
