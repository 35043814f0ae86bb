from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.report import markdown_summary, write_reports

XSS = "<script>alert(1)</script>"


def _m(value: float | None, n: int, lo: float | None = None, hi: float | None = None) -> dict:
    return {"value": value, "lo": lo, "hi": hi, "n": n}


def _system(label: str, kf_fact: float | None, kf_contact: float, samples: list[float]) -> dict:
    return {
        "label": label,
        "retrieval": {"hit@1": 0.5, "hit@3": 0.77, "hit@5": 0.87, "hit@10": 0.95, "mrr": 0.66, "n": 4},
        "answers": {
            "overall": {
                "key_facts": _m(0.913, 4, 0.86, 0.951),
                "citation_precision": _m(0.8, 4),
                "refusal_recall": _m(None, 0),
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
    }


@pytest.fixture
def results() -> dict:
    return {
        "meta": {
            "date": "2026-11-22T07:30:00Z",
            "questions_file": "eval/qa.jsonl",
            "n_items": 4,
            "only": None,
            "settings": {"top_k": 6, "chunk_tokens": 160},
        },
        "systems": {
            "assistant": _system("This assistant", 0.95, 1.0, [float(x) for x in range(20, 80)]),
            "bm25_top3": _system("(b) BM25 keyword search, top-3 (site search)", None, 0.4, []),
        },
        "ratios": {"assistant / bm25_top3": {"key_facts": 1.8, "citation_precision": 2.1, "rouge_l": None}},
        "speed": {
            "warm_p50_ms": 34.1,
            "warm_p95_ms": 61.0,
            "cold_start_s": None,
            "ingest_full_s": 20.3,
            "ingest_noop_s": 1.6,
            "peak_memory_mb": 950.0,
        },
        "gate": {
            "passed": False,
            "checks": [
                {"metric": "key_facts", "value": 0.9, "threshold": 0.85, "op": ">=", "ok": True},
                {"metric": "citation_precision", "value": 0.8, "threshold": 0.9, "op": ">=", "ok": False},
            ],
        },
        "failures": [
            {
                "id": "q017",
                "category": "contact",
                "question": f"Who do I ring? {XSS}",
                "missing": ["0113 3782888"],
                "answer": f"Try {XSS} | the council.",
            }
        ],
        "errors": ["line 12: not valid JSON"],
    }


def test_writes_three_files_and_json_round_trips(results: dict, tmp_path: Path) -> None:
    paths = write_reports(results, tmp_path / "out")
    assert set(paths) == {"json", "markdown", "html"}
    assert all(p.is_file() and p.parent == tmp_path / "out" for p in paths.values())
    assert json.loads(paths["json"].read_text(encoding="utf-8")) == results


def test_markdown_report(results: dict, tmp_path: Path) -> None:
    md = write_reports(results, tmp_path)["markdown"].read_text(encoding="utf-8")
    assert md.startswith("# ")
    assert "| Metric | This assistant | (b) BM25 keyword search, top-3 (site search) |" in md
    assert markdown_summary(results) in md
    assert "This assistant is 1.80× (b) on key facts found, 2.10× on citation precision." in md
    assert "| Cold start | — |" in md
    assert "| Full ingest | 20.3 s |" in md
    assert "91.3% (86.0–95.1)" in md
    assert "❌" in md and "✅" in md
    assert "q017" in md and "0113 3782888" in md and "line 12: not valid JSON" in md
    assert "<script>" not in md and "\\|" in md


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
    lines = markdown_summary(results).strip().splitlines()
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    rows = {line.split("|")[1].strip(): line for line in lines[2:]}
    assert any("key_facts" in name or name == "Key facts found" for name in rows)
    assert "91.3% (86.0–95.1)" in rows["Key facts found"]
    assert "80.0% |" in rows["Citation precision"]
    assert rows["Refusal recall"].count("—") == 2
    assert rows["Retrieval hit@5"].count("87.0%") == 2
    assert "0.660" in rows["Retrieval MRR"]
    assert "| 3 |" in rows["Invented contacts + numbers (lower is better)"]
    assert "34.1 ms" in rows["Warm latency p50 (lower is better)"]


def test_minimal_results_still_render(tmp_path: Path) -> None:
    minimal = {"meta": {}, "systems": {"assistant": {"label": "This assistant"}}, "failures": [], "errors": []}
    paths = write_reports(minimal, tmp_path / "new" / "dir")
    md = paths["markdown"].read_text(encoding="utf-8")
    assert "No gate was applied" in md and "No failures." in md
    assert "<svg" not in paths["html"].read_text(encoding="utf-8")
    assert "—" in markdown_summary(minimal)
