"""Run the assistant and the baselines over the QA set and gather every number."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bot.answer import Passage
from eval.evidence import EvidenceLocator, Span, overlaps
from eval.metrics import (
    Cited,
    Scored,
    confusion,
    grouped,
    locate_all,
    oracle,
    retrieval_metrics,
    score_answer,
    summarise,
)
from eval.qa import QAItem

HEADLINE = (
    "key_facts",
    "key_facts_all",
    "citation_precision",
    "citation_recall",
    "refusal_accuracy",
    "token_f1",
    "rouge_l",
)


@dataclass
class SystemRun:
    label: str
    rows: list[Scored]
    ranks: list[int | None]
    generation: list[dict] = field(default_factory=list)  # per answer the LLM was asked for

    def results(self) -> dict[str, Any]:
        latencies = [r.latency_ms for r in self.rows]
        invented = [f"{r.id}: {x}" for r in self.rows for x in r.invented]
        extra = {"generation": generation_summary(self.generation)} if self.generation else {}
        return {
            **extra,
            "label": self.label,
            "retrieval": retrieval_metrics(self.ranks),
            "routes": confusion(self.rows),
            "answers": {
                "overall": summarise(self.rows),
                "by_category": grouped(self.rows, lambda r: r.category),
                "by_persona": grouped(self.rows, lambda r: r.persona),
            },
            "invented": {
                "contacts": sum(1 for x in invented if _kind(x) == "contacts"),
                "numbers": sum(1 for x in invented if _kind(x) == "numbers"),
                "team_names": sum(1 for x in invented if _kind(x) == "team_names"),
                "examples": invented[:20],
            },
            "latency_ms": {
                "p50": float(np.percentile(latencies, 50)) if latencies else None,
                "p95": float(np.percentile(latencies, 95)) if latencies else None,
                "mean": float(np.mean(latencies)) if latencies else None,
                "samples": [round(x, 2) for x in latencies],
            },
        }


def generation_summary(runs: list[dict]) -> dict[str, Any]:
    """How the generative path fared: answers it produced, fallbacks by reason, sentences verification removed."""
    sentences = sum(g["sentences"] for g in runs)
    removed = sum(g["removed"] for g in runs)
    seconds = [g["seconds"] for g in runs]
    first = [g["first_sentence_seconds"] for g in runs if g.get("first_sentence_seconds") is not None]
    verified = [g["first_verified_seconds"] for g in runs if g.get("first_verified_seconds") is not None]
    reasons = Counter(r.split(":")[0] for g in runs for r in g.get("removed_reasons", []))
    return {
        "asked": len(runs),
        "llm_answers": sum(1 for g in runs if not g["fallback"]),
        "fallbacks": dict(Counter(g["fallback"] for g in runs if g["fallback"])),
        "sentences": sentences,
        "removed": removed,
        "removed_share": round(removed / sentences, 3) if sentences else None,
        "removed_reasons": dict(reasons.most_common()),
        "model_invented": sum(len(g.get("invented", [])) for g in runs),
        "model_invented_examples": sorted({x for g in runs for x in g.get("invented", [])})[:30],
        # streaming: verifying each sentence as it arrives shows the first at `first_sentence_s`
        # (when it passes); verifying the whole answer first shows nothing before `generation_s`
        "generation_s": _percentiles(seconds),
        "first_sentence_s": _percentiles(first),
        "first_verified_sentence_s": _percentiles(verified),
    }


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None}
    return {"p50": round(float(np.percentile(values, 50)), 3), "p95": round(float(np.percentile(values, 95)), 3)}


def _kind(example: str) -> str:
    """'q012: 0113 000 0000' -> 'contacts' / 'numbers' / 'team_names'."""
    value = example.split(": ", 1)[-1]
    if "@" in value or _is_phone(value):
        return "contacts"
    return "numbers" if any(ch.isdigit() for ch in value) else "team_names"


def _is_phone(digits: str) -> bool:
    return digits.isdigit() and len(digits) >= 10 and digits.startswith("0")


def route_of(answer) -> str:  # noqa: ANN001 - bot.answer.Answer
    """The route an answer took: its own ``route`` when the bot sets one, else read from its kind and notes."""
    from bot.wording import MESSAGES

    if getattr(answer, "route", ""):
        return answer.route
    if answer.kind == "crisis":
        return "crisis"
    if answer.kind == "decision" or "decision" in answer.notes:
        return "advice"
    if "injection" in answer.notes or "abuse" in answer.notes:
        return "injection"
    if answer.refused and MESSAGES["off_topic"] in answer.answer:
        return "out_of_scope"
    return "answer"


def _cited(passages: Iterable[Passage]) -> list[Cited]:
    return [Cited(p.doc, p.start, p.end, p.text, p.section) for p in passages]


def _rank(passages: list[Passage], spans: list[Span]) -> int | None:
    return next((i for i, p in enumerate(passages) if any(overlaps(s, p.doc, p.start, p.end) for s in spans)), None)


def _progress(items: list[QAItem], label: str):  # noqa: ANN202
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="q", file=sys.stderr, leave=False, disable=not sys.stderr.isatty())


def run_assistant(
    bot,  # noqa: ANN001
    items: list[QAItem],
    locator: EvidenceLocator,
    label: str = "This assistant",
) -> tuple[SystemRun, list[dict]]:
    rows, ranks, failures, generation = [], [], [], []
    for item in _progress(items, "assistant"):
        history = list(item.history)
        answer = bot.ask(item.question, history)
        if answer.generation is not None:
            generation.append(answer.generation)
        spans = locate_all(locator, item)
        cited = _cited(
            Passage.from_metadata(
                c.chunk_id, c.text, {"doc": c.doc, "start": c.start, "end": c.end, "section": c.section}
            )
            for c in answer.citations
        )
        refused = answer.refused and answer.kind != "crisis"
        row = score_answer(item, answer.answer, refused, cited, spans, answer.expansions, answer.latency_ms)
        row.route = route_of(answer)
        if item.answerable and item.key_facts and item.category != "crisis" and hasattr(bot, "gather"):
            row.oracle = oracle(item, " ".join(p.text for p in bot.gather(item.question, history).passages))
        rows.append(row)
        if spans and item.answerable:
            ranks.append(_rank(bot.search(item.question, history), spans))
        wrong_refusal = row.judged_by_refusal and refused != item.refusal_expected
        wrong_route = row.route != row.expected_route
        if row.missing or row.invented or wrong_refusal or wrong_route:
            failures.append(
                {
                    "id": item.id,
                    "category": item.category,
                    "question": item.question,
                    "missing": row.missing
                    + [f"invented: {x}" for x in row.invented]
                    + ([f"refused={refused}, expected {item.refusal_expected}"] if wrong_refusal else [])
                    + ([f"route {row.route}, expected {row.expected_route}"] if wrong_route else []),
                    "answer": answer.answer[:600],
                }
            )
    return SystemRun(label, rows, ranks, generation), failures


def run_baseline(system, items: list[QAItem], locator: EvidenceLocator) -> SystemRun:  # noqa: ANN001
    rows, ranks = [], []
    for item in _progress(items, system.label[:12]):
        question = " ".join([t["content"] for t in item.history if t.get("role") == "user"][-1:] + [item.question])
        result = system.ask(question)
        spans = locate_all(locator, item)
        rows.append(score_answer(item, result.answer, False, _cited(result.passages), spans, {}, result.latency_ms))
        if spans and item.answerable:
            ranks.append(_rank(result.passages, spans))
    return SystemRun(system.label, rows, ranks)


def route_speed(bot, items: list[QAItem]) -> dict[str, float | None]:  # noqa: ANN001
    """What the route stage costs beyond the embedding retrieval computes anyway (the vector is given)."""
    from bot.guard import screen

    if getattr(bot, "router", None) is None:
        return {"route_p50_ms": None, "route_p95_ms": None}
    times = []
    for item in items:
        text = screen(item.question, bot.max_chars).question
        if not text.strip(" ?.!"):
            continue
        vector = bot.retriever.embed_query(text)
        started = time.perf_counter()
        bot.router.route(text, list(item.history), vector)
        times.append((time.perf_counter() - started) * 1000)
    return {f"route_{k}_ms": v for k, v in _percentiles(times).items()}


def ratios(systems: dict[str, dict]) -> dict[str, dict[str, float | None]]:
    ours = systems["assistant"]["answers"]["overall"]
    out: dict[str, dict[str, float | None]] = {}
    for name, system in systems.items():
        if name == "assistant":
            continue
        theirs = system["answers"]["overall"]
        row: dict[str, float | None] = {}
        for metric in HEADLINE:
            a, b = ours[metric]["value"], theirs[metric]["value"]
            row[metric] = round(a / b, 2) if a is not None and b else None
        for metric in ("hit@1", "hit@5", "mrr"):
            a, b = systems["assistant"]["retrieval"][metric], system["retrieval"][metric]
            row[metric] = round(a / b, 2) if b else None
        out[f"assistant / {name}"] = row
    return out


def timestamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
