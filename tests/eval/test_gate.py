"""The CI gate reads the locked splits (test, and real with its own thresholds), never dev."""

from __future__ import annotations

from pathlib import Path

from eval.__main__ import gate


def _split(key_facts: float) -> dict:
    overall = {"key_facts": {"value": key_facts}, "crisis_recall": {"value": 1.0}}
    invented = {"contacts": 0, "numbers": 0, "team_names": 0}
    return {"systems": {"assistant": {"answers": {"overall": overall}, "invented": invented}}}


def test_gate_reads_test_when_both_splits_ran(tmp_path: Path) -> None:
    limits = tmp_path / "thresholds.toml"
    limits.write_text("[min]\nkey_facts = 0.5\n[max]\ninvented = 0\n", encoding="utf-8")
    results = {"splits": {"dev": _split(0.9), "test": _split(0.4)}}
    verdict = gate(results, limits)
    assert verdict["split"] == "test" and not verdict["passed"]
    assert verdict["checks"][0]["value"] == 0.4
    results["splits"]["test"] = _split(0.6)
    assert gate(results, limits)["passed"]


def test_gate_reads_the_only_split_of_a_questions_file(tmp_path: Path) -> None:
    limits = tmp_path / "thresholds.toml"
    limits.write_text("[min]\nkey_facts = 0.5\n", encoding="utf-8")
    verdict = gate({"splits": {"mine": _split(0.7)}}, limits)
    assert verdict == {"split": "mine", "passed": True, "checks": [verdict["checks"][0]]}


def test_a_metric_missing_from_the_results_fails(tmp_path: Path) -> None:
    limits = tmp_path / "thresholds.toml"
    limits.write_text("[min]\nroute_accuracy = 0.5\n", encoding="utf-8")
    assert not gate({"splits": {"test": _split(0.7)}}, limits)["passed"]


def test_gate_reads_real_with_its_own_thresholds(tmp_path: Path) -> None:
    limits = tmp_path / "thresholds.toml"
    limits.write_text("[min]\nkey_facts = 0.5\n[real.min]\nkey_facts = 0.3\n", encoding="utf-8")
    results = {"splits": {"dev": _split(0.9), "test": _split(0.6), "real": _split(0.35)}}
    verdict = gate(results, limits)
    assert verdict["split"] == "test and real" and verdict["passed"]
    assert [(c["split"], c["threshold"]) for c in verdict["checks"]] == [("test", 0.5), ("real", 0.3)]
    results["splits"]["real"] = _split(0.2)
    assert not gate(results, limits)["passed"]
