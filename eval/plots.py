"""Inline SVG plots for the HTML report: key facts by category, and the latency histogram.

Plain SVG strings, so the page needs nothing from the network and reads well without colour.
"""

from __future__ import annotations

import html
from typing import Any

DASH = "—"
# Okabe-Ito colours: told apart by colour-blind readers, and dark enough to stand out on white.
_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#6A3D9A", "#555555")


def _is_num(v: Any) -> bool:
    import math

    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


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


def category_plot(columns: list[tuple[str, dict]]) -> str | None:
    """Key facts per category, one bar per column (a system, or a split of the assistant)."""
    systems = [(label, {"label": label, **s}) for label, s in columns]
    cats: list[str] = []
    for _, s in systems:
        cats += [c for c in ((s.get("answers") or {}).get("by_category") or {}) or {} if c not in cats]
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
            y = y0 + si * bar
            v = (((s.get("answers") or {}).get("by_category") or {}).get(cat) or {}).get("key_facts", {}).get("value")
            if not _is_num(v):
                parts.append(_text(left + 4, y + bar - 4, f"{DASH} no data"))
                continue
            w, tip = width * max(0.0, min(1.0, v)), f"{s.get('label') or key}: {cat} {v * 100:.1f}%"
            parts.append(_rect(left, y + 1, w, bar - 2, _COLOURS[si % len(_COLOURS)], tip))
            parts.append(_text(left + w + 4, y + bar - 4, f"{v * 100:.1f}%"))
    parts.append(_text(left + width / 2, axis_y + 34, "Key facts found (%)", "middle"))
    return _svg(left + width + 70, axis_y + 44, "Key facts found per question category, for each system", parts)


def latency_plot(samples: Any) -> str | None:
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
