"""Render benchmark results as JSON, Markdown and a standalone HTML page.

Both reports are rendered from one list of blocks so they cannot drift apart;
the HTML page adds two inline SVG plots (eval/plots.py) and needs nothing from the network.
Dev and test are shown side by side, and a test figure more than five points worse than
dev is called out in words: that gap is what tuning to our own questions looks like.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from eval.plots import category_plot
from eval.render import DASH, Block, to_html, to_markdown
from eval.render import get_path as _get
from eval.render import is_num as _is_num
from eval.render import num as _num
from eval.render import rate as _rate
from eval.report_llm import generation_blocks as _generation_blocks
from eval.report_tail import ablation_blocks, tail_blocks

_NAMES = {
    "key_facts": "Key facts found",
    "key_facts_all": "All key facts found",
    "oracle": "Key facts in the passages answered from (the ceiling)",
    "citation_precision": "Citation precision",
    "citation_recall": "Citation recall",
    "refusal_precision": "Refusal precision",
    "refusal_recall": "Refusal recall",
    "false_refusal_rate": "False refusal rate",
    "refusal_accuracy": "Refusal accuracy",
    "crisis_recall": "Crisis recall",
    "crisis_false_alarm": "Crisis false alarms",
    "responded": "Greetings, vague, non-English answered in kind",
    "route_accuracy": "Route accuracy",
    "route_flips": "Route flips under noise (emoji, !!!, capitals, pls)",
    "token_f1": "Token F1",
    "rouge_l": "ROUGE-L",
    "contacts_given": "Contact lines given when the documents have them",
    "words": "Words per answer",
    "words_median": "Median words per answer",
    "hit@1": "Retrieval hit@1",
    "hit@5": "Retrieval hit@5",
    "mrr": "Retrieval MRR",
    "invented": "Invented contacts + numbers",
    "p50": "Warm latency p50",
    "p95": "Warm latency p95",
}
# The summary shows every named metric, in this order.
_HEADLINE = tuple(_NAMES)
_LOWER_IS_BETTER = {
    "route_flips",
    "false_refusal_rate",
    "crisis_false_alarm",
    "invented",
    "p50",
    "p95",
    "words",
    "words_median",
}
# rates compared between dev and test for the "tuned to dev" warning
_GAP_METRICS = tuple(k for k in _HEADLINE if k not in {"invented", "p50", "p95", "words", "words_median", "mrr"})
GAP_POINTS = 5.0
_BREAKDOWN = ("key_facts", "citation_recall", "refusal_accuracy", "route_accuracy")


def _systems(split: dict) -> list[tuple[str, dict]]:
    """The assistant first, whatever order the dict arrived in, so it always leads the columns."""
    systems = split.get("systems") or {}
    return [(k, systems[k] or {}) for k in sorted(systems, key=lambda k: k != "assistant")]


def _splits(results: dict) -> list[tuple[str, dict]]:
    """Dev before test, then anything else (a --questions file)."""
    splits = results.get("splits") or {}
    order = {"dev": 0, "test": 1, "real": 2}
    return [(k, splits[k] or {}) for k in sorted(splits, key=lambda k: (order.get(k, 2), k))]


def _assistants(results: dict) -> list[tuple[str, dict]]:
    """(split name, the assistant's results on it)."""
    return [(name, _get(split, "systems", "assistant") or {}) for name, split in _splits(results)]


def _label(systems: dict, key: str) -> str:
    return _get(systems, key, "label") or key


def _headline_cell(row: str, system: dict) -> str:
    if row.startswith("hit@"):
        v = _get(system, "retrieval", row)
        return f"{v * 100:.1f}%" if _is_num(v) else DASH
    if row == "mrr":
        return _num(_get(system, "retrieval", "mrr"), digits=3)
    if row == "invented":
        inv = system.get("invented")
        return str(int(inv.get("contacts") or 0) + int(inv.get("numbers") or 0)) if isinstance(inv, dict) else DASH
    if row in ("p50", "p95"):
        return _num(_get(system, "latency_ms", row), " ms")
    if row == "route_flips":
        v = _get(system, "route_noise", "rate")
        return f"{v * 100:.1f}%" if _is_num(v) else DASH
    if row in ("words", "words_median"):
        return _num(_get(system, "answers", "overall", row, "value"), digits=0)
    return _rate(_get(system, "answers", "overall", row))


def _value(row: str, system: dict) -> float | None:
    """A headline rate as a number, for comparing splits."""
    if row.startswith("hit@") or row == "mrr":
        return _get(system, "retrieval", row)
    if row == "route_flips":
        return _get(system, "route_noise", "rate")
    return _get(system, "answers", "overall", row, "value")


def _split_table(results: dict) -> Block:
    """The assistant's headline figures, one column per split."""
    columns = _assistants(results)
    headers = ["Metric", *[f"{name} (n={_get(results, 'splits', name, 'n_items') or DASH})" for name, _ in columns]]
    named = dict(columns)
    gaps = [(locked, named[locked]) for locked in ("test", "real") if "dev" in named and locked in named]
    headers += [f"{locked} − dev (points)" for locked, _ in gaps]
    lower = " (lower is better)"
    rows = []
    for r in _HEADLINE:
        row = [_NAMES[r] + lower * (r in _LOWER_IS_BETTER), *[_headline_cell(r, s) for _, s in columns]]
        for _, system in gaps:
            a, b = _value(r, named["dev"]), _value(r, system)
            row.append(f"{(b - a) * 100:+.1f}" if _is_num(a) and _is_num(b) and r in _GAP_METRICS else DASH)
        rows.append(row)
    return ("table", headers, rows)


def tuned_to_dev(results: dict, points: float = GAP_POINTS) -> list[str]:
    """Each headline rate that is more than `points` worse on test than on dev, in words."""
    columns = dict(_assistants(results))
    if not {"dev", "test"} <= set(columns):
        return []
    lines = []
    for r in _GAP_METRICS:
        dev, test = _value(r, columns["dev"]), _value(r, columns["test"])
        if not (_is_num(dev) and _is_num(test)):
            continue
        worse = (test - dev if r in _LOWER_IS_BETTER else dev - test) * 100
        if worse > points:
            name = _NAMES[r]
            lines.append(
                f"Tuned to dev: {name[0].lower() + name[1:]} is {worse:.1f} points worse on test "
                f"({test * 100:.1f}%) than on dev ({dev * 100:.1f}%)."
            )
    return lines


def _summary_table(split: dict) -> Block:
    systems = _systems(split)
    headers = ["Metric", *[s.get("label") or key for key, s in systems]]
    lower = " (lower is better)"
    rows = [
        [_NAMES[r] + lower * (r in _LOWER_IS_BETTER), *[_headline_cell(r, s) for _, s in systems]] for r in _HEADLINE
    ]
    return ("table", headers, rows)


def _ratio_lines(split: dict) -> list[str]:
    systems = split.get("systems") or {}
    lines = []
    for pair, ratios in (split.get("ratios") or {}).items():
        left, _, right = pair.partition(" / ")
        short = re.match(r"\(\w+\)", _label(systems, right))
        parts = [(m, r) for m, r in (ratios or {}).items() if _is_num(r)]
        if not parts:
            continue
        clauses = []
        for i, (metric, ratio) in enumerate(parts):
            name = _NAMES.get(metric, metric)
            name = name[0].lower() + name[1:] if name[1:2].islower() else name
            against = f" {short.group(0) if short else _label(systems, right)}" if i == 0 else ""
            clauses.append(f"{ratio:.2f}×{against} on {name}")
        lines.append(f"{_label(systems, left)} is {', '.join(clauses)}.")
    return lines


def _split_breakdown(results: dict, group: str, first: str) -> Block:
    """One row per category (or persona): n and the breakdown rates, each split beside the other."""
    columns = _assistants(results)
    names: list[str] = []
    for _, s in columns:
        names += [n for n in _get(s, "answers", group) or {} if n not in names]
    headers = [first]
    for metric in ("n", *_BREAKDOWN):
        headers += [f"{_NAMES.get(metric, metric)} ({split})" for split, _ in columns]
    rows = []
    for name in names:
        row = [name]
        for _, s in columns:
            metrics = _get(s, "answers", group, name) or {}
            ns = [m["n"] for m in metrics.values() if isinstance(m, dict) and _is_num(m.get("n"))]
            row.append(str(max(ns)) if ns else DASH)
        for metric in _BREAKDOWN:
            row += [_rate(_get(s, "answers", group, name, metric)) for _, s in columns]
        rows.append(row)
    return ("table", headers, rows)


def _confusion_blocks(results: dict) -> list[Block]:
    blocks: list[Block] = [("h2", "Routes: expected (rows) against given (columns)")]
    for split, s in _assistants(results):
        table = s.get("routes") or {}
        given = sorted({g for row in table.values() for g in row})
        rows = [[want, *[str(table[want].get(g, 0)) for g in given]] for want in sorted(table)]
        blocks += [("p", f"{split}:"), ("table", ["expected \\ given", *given], rows)]
    return blocks


def _blocks(results: dict) -> list[Block]:
    meta = results.get("meta") or {}
    settings = ", ".join(f"{k}={v}" for k, v in (meta.get("settings") or {}).items()) or DASH
    only = f", only {meta['only']}" if meta.get("only") else ""
    sizes = ", ".join(f"{name} {_get(split, 'n_items') or DASH}" for name, split in _splits(results)) or DASH
    gaps = tuned_to_dev(results)
    blocks: list[Block] = [
        ("h1", "Local Offer assistant: QA benchmark report"),
        ("p", f"Run {meta.get('date', DASH)} on {sizes} questions{only}. Settings: {settings}."),
        (
            "p",
            "dev is for tuning; test is locked and written blind to the code; real is locked too: real parents' "
            "questions from public pages, labelled blind against the documents. Rates are percentages, "
            "with the 95% bootstrap interval in brackets.",
        ),
        _split_table(results),
        ("ul", gaps or ["No headline figure is more than 5 points worse on test than on dev."]),
        ("h2", "By question category (this assistant)"),
        _split_breakdown(results, "by_category", "Category"),
        ("svg", category_plot([(f"This assistant, {n}", s) for n, s in _assistants(results)])),
        ("h2", "By persona (this assistant)"),
        _split_breakdown(results, "by_persona", "Persona"),
        *_confusion_blocks(results),
    ]
    for name, split in _splits(results):
        blocks += [
            ("h2", f"Compared with the baselines ({name})"),
            _summary_table(split),
            ("ul", _ratio_lines(split) or ["No baseline ratios were computed."]),
            *_generation_blocks(split.get("systems") or {}),
        ]
    return blocks + ablation_blocks(results) + tail_blocks(results)


def markdown_summary(results: dict) -> str:
    """The headline table (dev and test side by side) and any "tuned to dev" lines, as the README quotes them."""
    gaps = tuned_to_dev(results)
    return to_markdown([_split_table(results), *([("ul", gaps)] if gaps else [])])


def write_reports(results: dict, out_dir: Path) -> dict[str, Path]:
    """Keep the raw numbers next to the human reports, so a report can always be rebuilt or checked."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "results.json", "markdown": out_dir / "report.md", "html": out_dir / "report.html"}
    paths["json"].write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    blocks = _blocks(results)
    paths["markdown"].write_text(to_markdown(blocks), encoding="utf-8")
    paths["html"].write_text(to_html(blocks), encoding="utf-8")
    return paths
