"""Render benchmark results as JSON, Markdown and a standalone HTML page.

Both reports are rendered from one list of blocks so they cannot drift apart;
the HTML page adds two inline SVG plots and needs nothing from the network.
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path
from typing import Any

DASH = "—"
_NAMES = {
    "key_facts": "Key facts found",
    "key_facts_all": "All key facts found",
    "citation_precision": "Citation precision",
    "citation_recall": "Citation recall",
    "refusal_precision": "Refusal precision",
    "refusal_recall": "Refusal recall",
    "false_refusal_rate": "False refusal rate",
    "refusal_accuracy": "Refusal accuracy",
    "token_f1": "Token F1",
    "rouge_l": "ROUGE-L",
    "words": "Words per answer",
    "hit@1": "Retrieval hit@1",
    "hit@5": "Retrieval hit@5",
    "mrr": "Retrieval MRR",
    "invented": "Invented contacts + numbers",
    "p50": "Warm latency p50",
    "p95": "Warm latency p95",
}
# The summary shows every named metric, in this order, except refusal accuracy (it is in the breakdowns).
_HEADLINE = tuple(k for k in _NAMES if k != "refusal_accuracy")
_LOWER_IS_BETTER = {"false_refusal_rate", "invented", "p50", "p95", "words"}
_BREAKDOWN = ("key_facts", "citation_recall", "refusal_accuracy")
_SPEED = (
    ("warm_p50_ms", "Warm answer latency, median", " ms"),
    ("warm_p95_ms", "Warm answer latency, 95th percentile", " ms"),
    ("cold_start_s", "Cold start", " s"),
    ("ingest_full_s", "Full ingest", " s"),
    ("ingest_noop_s", "Ingest with nothing changed", " s"),
    ("answer_peak_memory_mb", "Peak memory, answering process", " MB"),
    ("ingest_peak_memory_mb", "Peak memory, full ingest", " MB"),
    ("eval_peak_memory_mb", "Peak memory, this benchmark run", " MB"),
)
# Okabe-Ito colours: told apart by colour-blind readers, and dark enough to stand out on white.
_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#6A3D9A", "#555555")
_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;background:#fff;
max-width:1100px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem;margin-bottom:.3rem}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:2px solid #c8ced6}
.scroll{overflow-x:auto}table{border-collapse:collapse;margin:.6rem 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #c8ced6;padding:.35rem .6rem;text-align:left;vertical-align:top}
thead th{background:#e8edf3}tbody tr:nth-child(even){background:#f7f9fb}
figure{margin:1rem 0}svg{max-width:100%;height:auto;font:13px system-ui,Arial,sans-serif}svg text{fill:#1b1b1b}
"""

Block = tuple[Any, ...]


def _get(d: Any, *keys: str) -> Any:
    """Walk nested dicts, because any part of a system's results may be missing."""
    for key in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _rate(m: Any) -> str:
    if not _is_num(_get(m, "value")):
        return DASH
    text = f"{m['value'] * 100:.1f}%"
    if _is_num(m.get("lo")) and _is_num(m.get("hi")):
        text += f" ({m['lo'] * 100:.1f}–{m['hi'] * 100:.1f})"
    return text


def _num(v: Any, unit: str = "", digits: int = 1) -> str:
    return f"{v:.{digits}f}{unit}" if _is_num(v) else DASH


def _plain(v: Any) -> str:
    return DASH if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)


def _systems(results: dict) -> list[tuple[str, dict]]:
    """The assistant first, whatever order the dict arrived in, so it always leads the columns."""
    systems = results.get("systems") or {}
    return [(k, systems[k] or {}) for k in sorted(systems, key=lambda k: k != "assistant")]


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
    if row == "words":
        return _num(_get(system, "answers", "overall", "words", "value"), digits=0)
    return _rate(_get(system, "answers", "overall", row))


def _summary_table(results: dict) -> Block:
    systems = _systems(results)
    headers = ["Metric", *[s.get("label") or key for key, s in systems]]
    lower = " (lower is better)"
    rows = [
        [_NAMES[r] + lower * (r in _LOWER_IS_BETTER), *[_headline_cell(r, s) for _, s in systems]] for r in _HEADLINE
    ]
    return ("table", headers, rows)


def _ratio_lines(results: dict) -> list[str]:
    systems = results.get("systems") or {}
    lines = []
    for pair, ratios in (results.get("ratios") or {}).items():
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


def _breakdown(groups: Any, first: str) -> Block:
    rows = []
    for name, metrics in (groups or {}).items():
        ns = [m["n"] for m in (metrics or {}).values() if isinstance(m, dict) and _is_num(m.get("n"))]
        rows.append([name, str(max(ns)) if ns else DASH, *[_rate(_get(metrics, k)) for k in _BREAKDOWN]])
    return ("table", [first, "n", *[_NAMES[k] for k in _BREAKDOWN]], rows)


def _svg(width: float, height: float, title: str, parts: list[str]) -> str:
    t = html.escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{t}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}"><title>{t}</title>{"".join(parts)}</svg>'
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> str:
    tip = f"<title>{html.escape(tip)}</title>" if tip else ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}">{tip}</rect>'


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{html.escape(text)}</text>'


def _category_plot(results: dict) -> str | None:
    systems = _systems(results)
    cats: list[str] = []
    for _, s in systems:
        cats += [c for c in _get(s, "answers", "by_category") or {} if c not in cats]
    if not cats:
        return None
    left, width, bar = 180, 460, 16
    top, group = 20 + 20 * len(systems), bar * len(systems) + 14
    axis_y = top + group * len(cats)
    parts = []
    for i, (key, s) in enumerate(systems):
        colour, y = _COLOURS[i % len(_COLOURS)], 6 + 20 * i
        parts.append(_rect(10, y, 12, 12, colour))
        parts.append(_text(28, y + 11, s.get("label") or key))
    for t in range(0, 101, 25):
        x = left + width * t / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="#c8ced6"/>')
        parts.append(_text(x, axis_y + 16, f"{t}%", "middle"))
    for ci, cat in enumerate(cats):
        y0 = top + ci * group
        parts.append(_text(left - 8, y0 + bar * len(systems) / 2 + 4, cat, "end"))
        for si, (key, s) in enumerate(systems):
            v, y = _get(s, "answers", "by_category", cat, "key_facts", "value"), y0 + si * bar
            if not _is_num(v):
                parts.append(_text(left + 4, y + bar - 4, f"{DASH} no data"))
                continue
            w, tip = width * max(0.0, min(1.0, v)), f"{s.get('label') or key}: {cat} {v * 100:.1f}%"
            parts.append(_rect(left, y + 1, w, bar - 2, _COLOURS[si % len(_COLOURS)], tip))
            parts.append(_text(left + w + 4, y + bar - 4, f"{v * 100:.1f}%"))
    parts.append(_text(left + width / 2, axis_y + 34, "Key facts found (%)", "middle"))
    return _svg(left + width + 70, axis_y + 44, "Key facts found per question category, for each system", parts)


def _latency_plot(samples: Any) -> str | None:
    xs = [float(s) for s in samples or [] if _is_num(s)]
    if not xs:
        return None
    bins, lo = 20, min(xs)
    step = (max(xs) - lo) / bins or 1.0
    counts = [0] * bins
    for x in xs:
        counts[min(int((x - lo) / step), bins - 1)] += 1
    left, top, width, height, peak = 64, 16, 560, 220, max(counts)
    bw, base = width / bins, top + height
    parts = [f'<line x1="{left}" y1="{base}" x2="{left + width}" y2="{base}" stroke="#1b1b1b"/>']
    for i, c in enumerate(counts):
        h = height * c / peak
        tip = f"{lo + i * step:.1f}–{lo + (i + 1) * step:.1f} ms: {c} questions"
        parts.append(_rect(left + i * bw + 1, base - h, bw - 2, h, "#0072B2", tip))
    for i in range(0, bins + 1, 5):
        x = left + i * bw
        parts.append(f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 5}" stroke="#1b1b1b"/>')
        parts.append(_text(x, base + 19, f"{lo + i * step:.1f}", "middle"))
    for t in sorted({0, peak // 2, peak}):
        y = base - height * t / peak
        parts.append(f'<line x1="{left - 5}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="#e1e5ea"/>')
        parts.append(_text(left - 8, y + 4, str(t), "end"))
    parts.append(_text(left + width / 2, base + 40, "Answer latency (ms)", "middle"))
    parts.append(_text(16, top + height / 2, "Questions", "middle", f' transform="rotate(-90 16 {top + height / 2})"'))
    title = f"Histogram of this assistant's warm answer latency over {len(xs)} questions, in milliseconds"
    return _svg(left + width + 20, base + 50, title, parts)


def _blocks(results: dict) -> list[Block]:
    meta, systems = results.get("meta") or {}, results.get("systems") or {}
    settings = ", ".join(f"{k}={v}" for k, v in (meta.get("settings") or {}).items()) or DASH
    only = f", only {meta['only']}" if meta.get("only") else ""
    source = f"{meta.get('questions_file', DASH)} ({meta.get('n_items', DASH)} questions"
    blocks: list[Block] = [
        ("h1", "Local Offer assistant: QA benchmark report"),
        ("p", f"Run {meta.get('date', DASH)} on {source}{only}). Settings: {settings}."),
        ("p", "Rates are percentages, with the confidence interval in brackets where known."),
        _summary_table(results),
        ("h2", "Compared with the baselines"),
        ("ul", _ratio_lines(results) or ["No baseline ratios were computed."]),
        *_generation_blocks(systems),
        ("h2", "By question category (this assistant)"),
        _breakdown(_get(systems, "assistant", "answers", "by_category"), "Category"),
        ("svg", _category_plot(results)),
        ("h2", "By persona (this assistant)"),
        _breakdown(_get(systems, "assistant", "answers", "by_persona"), "Persona"),
        ("h2", "Speed"),
    ]
    speed = results.get("speed") or {}
    rows = [[name, _num(speed.get(key), unit)] for key, name, unit in _SPEED]
    rows += [[k, _plain(v)] for k, v in speed.items() if k not in {key for key, _, _ in _SPEED}]
    blocks += [
        ("table", ["Measure", "Value"], rows),
        ("svg", _latency_plot(_get(systems, "assistant", "latency_ms", "samples"))),
    ]
    gate = results.get("gate")
    blocks.append(("h2", "Quality gate"))
    if isinstance(gate, dict):
        blocks.append(("p", "Overall: ✅ passed" if gate.get("passed") else "Overall: ❌ failed"))
        checks = [_gate_row(c) for c in gate.get("checks") or []]
        blocks.append(("table", ["Check", "Value", "Threshold", "Result"], checks))
    else:
        blocks.append(("p", "No gate was applied to this run."))
    failures = [_failure_row(f) for f in results.get("failures") or []]
    headers = ["ID", "Category", "Question", "Missing facts", "Answer (start)"]
    blocks += [("h2", "Failure examples"), ("table", headers, failures) if failures else ("p", "No failures.")]
    invented = [
        f"{s.get('label') or k}: {ex}" for k, s in _systems(results) for ex in _get(s, "invented", "examples") or []
    ]
    blocks += [("h2", "Invented details"), ("ul", invented) if invented else ("p", "None found.")]
    errors = results.get("errors") or []
    blocks += [("h2", "Malformed question lines"), ("ul", errors) if errors else ("p", "None.")]
    return blocks


def _generation_blocks(systems: dict) -> list[Block]:
    """How the verified generative path fared, when the run included one (python -m eval --llm)."""
    g = _get(systems, "assistant_llm", "generation")
    if not isinstance(g, dict):
        return []
    fallbacks = ", ".join(f"{k}: {v}" for k, v in (g.get("fallbacks") or {}).items()) or "none"
    reasons = ", ".join(f"{k}: {v}" for k, v in (g.get("removed_reasons") or {}).items()) or "none"
    share = g.get("removed_share")
    removed = f"{_plain(g.get('removed'))} ({share * 100:.1f}%)" if _is_num(share) else DASH
    rows = [
        ["Answers the model was asked to write", _plain(g.get("asked"))],
        ["Answers it wrote that passed verification", _plain(g.get("llm_answers"))],
        ["Fell back to the extractive answer", fallbacks],
        ["Sentences generated", _plain(g.get("sentences"))],
        ["Sentences verification removed", removed],
        ["Why they were removed", reasons],
        [
            "Contacts, figures, dates and names the model invented (all removed)",
            f"{_plain(g.get('model_invented'))}: {', '.join(g.get('model_invented_examples') or []) or 'none'}",
        ],
        ["Generation time p50 / p95", " / ".join(_num(_get(g, "generation_s", k), " s", 2) for k in ("p50", "p95"))],
        [
            "First sentence complete p50 / p95 (shown then, if verified)",
            " / ".join(_num(_get(g, "first_sentence_s", k), " s", 2) for k in ("p50", "p95")),
        ],
        [
            "First verified sentence shown p50 / p95",
            " / ".join(_num(_get(g, "first_verified_sentence_s", k), " s", 2) for k in ("p50", "p95")),
        ],
    ]
    return [("h2", "Generative answers, verified sentence by sentence"), ("table", ["Measure", "Value"], rows)]


def _gate_row(check: dict) -> list[str]:
    threshold = f"{check.get('op', '')} {_plain(check.get('threshold'))}"
    name = _NAMES.get(check.get("metric"), check.get("metric"))
    return [name, _plain(check.get("value")), threshold, "✅" if check.get("ok") else "❌"]


def _failure_row(f: dict) -> list[str]:
    head = [f.get(k) or DASH for k in ("id", "category", "question")]
    return [*head, "; ".join(map(str, f.get("missing") or [])), _clip(f.get("answer") or "")]


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(text: Any) -> str:
    """Neutralise table pipes and raw HTML, since questions and answers are untrusted text."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def _to_markdown(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        match block:
            case ("h1" | "h2" as tag, text):
                out.append("#" * int(tag[1]) + " " + _md(text))
            case ("p", text):
                out.append(_md(text))
            case ("ul", items):
                out.append("\n".join(f"- {_md(i)}" for i in items))
            case ("table", headers, rows):
                lines = ["| " + " | ".join(map(_md, headers)) + " |", "|" + "---|" * len(headers)]
                out.append("\n".join(lines + ["| " + " | ".join(map(_md, r)) + " |" for r in rows]))
    return "\n\n".join(out) + "\n"


def _to_html(blocks: list[Block]) -> str:
    e, body, title = html.escape, [], "QA benchmark report"
    for block in blocks:
        match block:
            case ("h1" | "h2" as tag, text):
                title = text if tag == "h1" else title
                body.append(f"<{tag}>{e(text)}</{tag}>")
            case ("p", text):
                body.append(f"<p>{e(text)}</p>")
            case ("ul", items):
                body.append("<ul>" + "".join(f"<li>{e(str(i))}</li>" for i in items) + "</ul>")
            case ("table", headers, rows):
                head = "".join(f'<th scope="col">{e(str(h))}</th>' for h in headers)
                rows_html = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in rows)
                body.append(
                    f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{rows_html}</tbody></table></div>'
                )
            case ("svg", markup) if markup:
                body.append(f"<figure>{markup}</figure>")
    return (
        f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title>'
        f"<style>{_CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def markdown_summary(results: dict) -> str:
    """The headline table, shared with the README so both quote the same numbers."""
    return _to_markdown([_summary_table(results)])


def write_reports(results: dict, out_dir: Path) -> dict[str, Path]:
    """Keep the raw numbers next to the human reports, so a report can always be rebuilt or checked."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "results.json", "markdown": out_dir / "report.md", "html": out_dir / "report.html"}
    paths["json"].write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    blocks = _blocks(results)
    paths["markdown"].write_text(_to_markdown(blocks), encoding="utf-8")
    paths["html"].write_text(_to_html(blocks), encoding="utf-8")
    return paths
