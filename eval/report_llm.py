"""The report's section on the verified generative path (python -m eval --llm)."""

from __future__ import annotations

from eval.render import DASH, Block
from eval.render import get_path as _get
from eval.render import is_num as _is_num
from eval.render import num as _num
from eval.render import plain as _plain


def generation_blocks(systems: dict) -> list[Block]:
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
