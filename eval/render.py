"""Blocks to Markdown and to a standalone HTML page: one list of blocks, two renderings.

A block is ("h1"|"h2", text), ("p", text), ("ul", items), ("table", headers, rows) or ("svg", markup).
Questions and answers are untrusted text: both renderings escape them.
"""

from __future__ import annotations

import html
import math
from typing import Any

Block = tuple[Any, ...]
DASH = "—"
_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;background:#fff;
max-width:1100px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem;margin-bottom:.3rem}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:2px solid #c8ced6}
.scroll{overflow-x:auto}table{border-collapse:collapse;margin:.6rem 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #c8ced6;padding:.35rem .6rem;text-align:left;vertical-align:top}
thead th{background:#e8edf3}tbody tr:nth-child(even){background:#f7f9fb}
figure{margin:1rem 0}svg{max-width:100%;height:auto;font:13px system-ui,Arial,sans-serif}svg text{fill:#1b1b1b}
"""


def _md(text: Any) -> str:
    """Neutralise table pipes and raw HTML, since questions and answers are untrusted text."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def to_markdown(blocks: list[Block]) -> str:
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


def to_html(blocks: list[Block]) -> str:
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


# -- formatting numbers and text for the blocks ---------------------------------------------------


def get_path(d: Any, *keys: str) -> Any:
    """Walk nested dicts, because any part of a system's results may be missing."""
    for key in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def rate(m: Any) -> str:
    if not is_num(get_path(m, "value")):
        return DASH
    text = f"{m['value'] * 100:.1f}%"
    if is_num(m.get("lo")) and is_num(m.get("hi")):
        text += f" ({m['lo'] * 100:.1f}–{m['hi'] * 100:.1f})"
    return text


def num(v: Any, unit: str = "", digits: int = 1) -> str:
    return f"{v:.{digits}f}{unit}" if is_num(v) else DASH


def plain(v: Any) -> str:
    return DASH if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)


def clip(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
