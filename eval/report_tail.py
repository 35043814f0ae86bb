"""The report's closing blocks: the ablation of the question bank's parts, speed, the gate, failures."""

from __future__ import annotations

from eval.plots import latency_plot
from eval.render import DASH, Block
from eval.render import clip as _clip
from eval.render import get_path as _get
from eval.render import is_num as _is_num
from eval.render import num as _num
from eval.render import plain as _plain

_SPEED = (
    ("warm_p50_ms", "Warm answer latency, median", " ms"),
    ("warm_p95_ms", "Warm answer latency, 95th percentile", " ms"),
    ("route_p50_ms", "Route stage beyond the embedding, median", " ms"),
    ("route_p95_ms", "Route stage beyond the embedding, 95th percentile", " ms"),
    ("cold_start_s", "Cold start", " s"),
    ("ingest_full_s", "Full ingest", " s"),
    ("ingest_noop_s", "Ingest with nothing changed", " s"),
    ("answer_peak_memory_mb", "Peak memory, answering process", " MB"),
    ("ingest_peak_memory_mb", "Peak memory, full ingest", " MB"),
    ("eval_peak_memory_mb", "Peak memory, this benchmark run", " MB"),
)


def tail_blocks(results: dict) -> list[Block]:
    from eval.report import _assistants, _splits, _systems

    speed = results.get("speed") or {}
    rows = [[name, _num(speed.get(key), unit)] for key, name, unit in _SPEED]
    rows += [[k, _plain(v)] for k, v in speed.items() if k not in {key for key, _, _ in _SPEED}]
    first = next(iter(_assistants(results)), ("", {}))[1]
    blocks: list[Block] = [
        ("h2", "Speed"),
        ("table", ["Measure", "Value"], rows),
        ("svg", latency_plot(_get(first, "latency_ms", "samples"))),
    ]
    gate = results.get("gate")
    blocks.append(("h2", "Quality gate"))
    if isinstance(gate, dict):
        verdict = "✅ passed" if gate.get("passed") else "❌ failed"
        blocks.append(("p", f"Overall: {verdict} (read on the {gate.get('split') or DASH} split)"))
        checks = [_gate_row(c) for c in gate.get("checks") or []]
        blocks.append(("table", ["Split", "Check", "Value", "Threshold", "Result"], checks))
    else:
        blocks.append(("p", "No gate was applied to this run."))
    for name, split in _splits(results):
        failures = [_failure_row(f) for f in split.get("failures") or []]
        headers = ["ID", "Category", "Question", "What went wrong", "Answer (start)"]
        listed = ("table", headers, failures) if failures else ("p", "No failures.")
        blocks += [("h2", f"Failure examples ({name})"), listed]
        invented = [
            f"{s.get('label') or k}: {ex}" for k, s in _systems(split) for ex in _get(s, "invented", "examples") or []
        ]
        blocks += [("h2", f"Invented details ({name})"), ("ul", invented) if invented else ("p", "None found.")]
        errors = split.get("errors") or []
        blocks += [("h2", f"Malformed question lines ({name})"), ("ul", errors) if errors else ("p", "None.")]
    return blocks


def _gate_row(check: dict) -> list[str]:
    from eval.report import _NAMES

    threshold = f"{check.get('op', '')} {_plain(check.get('threshold'))}"
    name = _NAMES.get(check.get("metric"), check.get("metric"))
    return [check.get("split") or DASH, name, _plain(check.get("value")), threshold, "✅" if check.get("ok") else "❌"]


def _failure_row(f: dict) -> list[str]:
    head = [f.get(k) or DASH for k in ("id", "category", "question")]
    return [*head, "; ".join(map(str, f.get("missing") or [])), _clip(f.get("answer") or "")]


def ablation_blocks(results: dict) -> list[Block]:
    """Key facts per design (python -m eval --ablation): the question bank's parts, each alone and together."""
    from eval.report import _splits  # the report's own helper (a module import would be circular)

    blocks: list[Block] = []
    for name, split in _splits(results):
        designs = split.get("ablation") or {}
        if not designs:
            continue
        rows = [
            [
                design,
                *[f"{m[k] * 100:.1f}%" if _is_num(m.get(k)) else DASH for k in ("key_facts", "false_refusal_rate")],
                *[f"{m[k] * 100:.1f}%" if _is_num(m.get(k)) else DASH for k in ("hit@1", "hit@5")],
                _num(m.get("mrr"), digits=3),
                _num(m.get("words_median"), digits=0),
            ]
            for design, m in designs.items()
        ]
        headers = ["Design", "Key facts", "False refusals", "hit@1", "hit@5", "MRR", "Median words"]
        blocks += [("h2", f"The question bank's parts, each alone and together ({name})"), ("table", headers, rows)]
    return blocks
