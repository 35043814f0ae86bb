from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.report import markdown_summary, tuned_to_dev, write_reports

XSS = "<script>alert(1)</script>"


def _m(value: float | None, n: int, lo: float | None = None, hi: float | None = None) -> dict:
    return {"value": value, "lo": lo, "hi": hi, "n": n}


def _system(label: str, kf_fact: float | None, kf_contact: float, samples: list[float], kf: float = 0.913) -> dict:
    return {
        "label": label,
        "retrieval": {"hit@1": 0.5, "hit@3": 0.77, "hit@5": 0.87, "hit@10": 0.95, "mrr": 0.66, "n": 4},
        "answers": {
            "overall": {
                "key_facts": _m(kf, 4, 0.86, 0.951),
                "citation_precision": _m(0.8, 4),
                "refusal_recall": _m(None, 0),
                "crisis_recall": _m(0.5, 2),
                "crisis_false_alarm": _m(0.0, 20),
            },
            "by_category": {
                "fact": {"key_facts": _m(kf_fact, 2), "citation_recall": _m(0.5, 2)},
                "contact": {"key_facts": _m(kf_contact, 1), "refusal_accuracy": _m(1.0, 1)},
                "refusal": {"refusal_accuracy": _m(1.0, 1, 0.2, 1.0)},
            },
            "by_persona": {"family": {"key_facts": _m(0.9, 3)}, "staff": {"key_facts": _m(None, 0)}},
        },
        "invented": {"contacts": 1, "numbers": 2, "team_names": 0, "examples": ["q012: 0113 000 0000"]},
        "latency_ms": {"p50": 34.1, "p95": 61.0, "mean": 38.0, "samples": samples},
        "routes": {"crisis": {"crisis": 1, "answer": 1}, "answer": {"answer": 20}},
    }


def _split(kf: float, failures: list[dict], errors: list[str]) -> dict:
    return {
        "n_items": 4,
        "systems": {
            "assistant": _system("This assistant", 0.95, 1.0, [float(x) for x in range(20, 80)], kf=kf),
            "bm25_top3": _system("(b) BM25 keyword search, top-3 (site search)", None, 0.4, []),
        },
        "ratios": {"assistant / bm25_top3": {"key_facts": 1.8, "citation_precision": 2.1, "rouge_l": None}},
        "failures": failures,
        "errors": errors,
    }


@pytest.fixture
def results() -> dict:
    failure = {
        "id": "q017",
        "category": "contact",
        "question": f"Who do I ring? {XSS}",
        "missing": ["0113 3782888"],
        "answer": f"Try {XSS} | the council.",
    }
    return {
        "meta": {
            "date": "2026-11-22T07:30:00Z",
            "questions_files": {"dev": "eval/dev.jsonl", "test": "eval/test.jsonl"},
            "n_items": {"dev": 4, "test": 4},
            "only": None,
            "settings": {"top_k": 6, "chunk_tokens": 160},
        },
        "splits": {"test": _split(0.80, [], []), "dev": _split(0.913, [failure], ["line 12: not valid JSON"])},
        "speed": {
            "warm_p50_ms": 34.1,
            "warm_p95_ms": 61.0,
            "cold_start_s": None,
            "ingest_full_s": 20.3,
            "ingest_noop_s": 1.6,
            "peak_memory_mb": 950.0,
        },
        "gate": {
            "split": "test",
            "passed": False,
            "checks": [
                {"metric": "key_facts", "value": 0.9, "threshold": 0.85, "op": ">=", "ok": True},
                {"metric": "citation_precision", "value": 0.8, "threshold": 0.9, "op": ">=", "ok": False},
            ],
        },
    }


def test_writes_three_files_and_json_round_trips(results: dict, tmp_path: Path) -> None:
    paths = write_reports(results, tmp_path / "out")
    assert set(paths) == {"json", "markdown", "html"}
    assert all(p.is_file() and p.parent == tmp_path / "out" for p in paths.values())
    assert json.loads(paths["json"].read_text(encoding="utf-8")) == results


def test_markdown_report(results: dict, tmp_path: Path) -> None:
    md = write_reports(results, tmp_path)["markdown"].read_text(encoding="utf-8")
    assert md.startswith("# ")
    assert "| Metric | dev (n=4) | test (n=4) | test − dev (points) |" in md
    assert "| Metric | This assistant | (b) BM25 keyword search, top-3 (site search) |" in md
    assert markdown_summary(results) in md
    assert "This assistant is 1.80× (b) on key facts found, 2.10× on citation precision." in md
    assert "| Cold start | — |" in md
    assert "| Full ingest | 20.3 s |" in md
    assert "91.3% (86.0–95.1)" in md and "80.0% (86.0–95.1)" in md
    assert "❌" in md and "✅" in md and "read on the test split" in md
    assert "q017" in md and "0113 3782888" in md and "line 12: not valid JSON" in md
    assert "<script>" not in md and "\\|" in md
    assert md.index("(dev)") < md.index("(test)")  # dev leads, whatever order the splits arrived in


def test_tuned_to_dev_is_said_in_words(results: dict) -> None:
    lines = tuned_to_dev(results)
    assert lines == ["Tuned to dev: key facts found is 11.3 points worse on test (80.0%) than on dev (91.3%)."]
    assert lines[0] in markdown_summary(results)
    results["splits"]["test"]["systems"]["assistant"]["answers"]["overall"]["key_facts"]["value"] = 0.88
    assert tuned_to_dev(results) == []  # 3.3 points: within the noise allowed


def test_lower_is_better_gap_counts_the_other_way(results: dict) -> None:
    overall = results["splits"]["test"]["systems"]["assistant"]["answers"]["overall"]
    overall["key_facts"]["value"] = 0.913
    overall["crisis_false_alarm"]["value"] = 0.1
    assert tuned_to_dev(results) == [
        "Tuned to dev: crisis false alarms is 10.0 points worse on test (10.0%) than on dev (0.0%)."
    ]


def test_route_confusion_and_categories_side_by_side(results: dict, tmp_path: Path) -> None:
    md = write_reports(results, tmp_path)["markdown"].read_text(encoding="utf-8")
    assert "| expected \\ given | answer | crisis |" in md
    assert "| crisis | 1 | 1 |" in md
    assert "| Category | n (dev) | n (test) | Key facts found (dev) | Key facts found (test) |" in md


def test_html_report_is_standalone_and_escaped(results: dict, tmp_path: Path) -> None:
    page = write_reports(results, tmp_path)["html"].read_text(encoding="utf-8")
    assert page.count("<svg") == 2
    assert page.count('role="img"') == 2
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    for category in ("fact", "contact", "refusal"):
        assert f">{category}<" in page
    assert "Answer latency (ms)" in page


def test_markdown_summary_table(results: dict) -> None:
    lines = [line for line in markdown_summary(results).strip().splitlines() if line.startswith("|")]
    assert all(line.endswith("|") for line in lines)
    rows = {line.split("|")[1].strip(): line for line in lines[2:]}
    assert "91.3% (86.0–95.1)" in rows["Key facts found"] and "| -11.3 |" in rows["Key facts found"]
    assert "80.0% |" in rows["Citation precision"]
    assert rows["Refusal recall"].count("—") == 3
    assert rows["Retrieval hit@5"].count("87.0%") == 2
    assert "0.660" in rows["Retrieval MRR"]
    assert "| 3 | 3 | — |" in rows["Invented contacts + numbers (lower is better)"]
    assert "34.1 ms" in rows["Warm latency p50 (lower is better)"]
    assert "50.0%" in rows["Crisis recall"]


def test_minimal_results_still_render(tmp_path: Path) -> None:
    minimal = {"meta": {}, "splits": {"dev": {"systems": {"assistant": {"label": "This assistant"}}}}}
    paths = write_reports(minimal, tmp_path / "new" / "dir")
    md = paths["markdown"].read_text(encoding="utf-8")
    assert "No gate was applied" in md and "No failures." in md
    assert "<svg" not in paths["html"].read_text(encoding="utf-8")
    assert "—" in markdown_summary(minimal)
    assert tuned_to_dev(minimal) == []
