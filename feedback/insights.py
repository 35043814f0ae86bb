"""What families asked, for staff: topics, content gaps, unhelpful answers, sections cited.

- **Topics**: the period's questions clustered on their MiniLM vectors (scikit-learn's MiniBatchKMeans),
  each named by its commonest words and its most-cited section, with counts by week.
- **Content gaps**: declined and partly answered questions, by topic, with examples: what the Local
  Offer pages should answer and don't.
- **Unhelpful answers**: thumbs down, with their comments.
- **Sections**: cited most, and never cited.

Everything here reads records that were redacted when written (feedback/questions.py, feedback/store.py).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from bot.text import terms

GAP_OUTCOMES = ("declined", "partly")


@dataclass
class Topic:
    label: str
    size: int
    section: str  # the section its answers cite most
    declined: int
    partly: int
    weeks: Counter = field(default_factory=Counter)  # ISO year-week -> questions
    examples: list[str] = field(default_factory=list)  # declined or partly answered questions first


def topics(rows: list[dict[str, Any]], max_topics: int = 12, seed: int = 0) -> list[Topic]:
    """The questions clustered by meaning, biggest first; questions without a vector are left out."""
    usable = [r for r in rows if r.get("vector")]
    if not usable:
        return []
    vectors = np.stack([np.frombuffer(r["vector"], dtype=np.float32) for r in usable])
    k = int(min(max_topics, max(1, round(len(usable) / 25))))
    if k > 1:
        from sklearn.cluster import MiniBatchKMeans

        labels = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=1024).fit_predict(vectors)
    else:
        labels = np.zeros(len(usable), dtype=int)
    everywhere = Counter(t for r in usable for t in set(terms(r["question"])))
    found = []
    for cluster in range(k):
        members = [r for r, c in zip(usable, labels, strict=True) if c == cluster]
        if members:
            found.append(_topic(members, everywhere, len(usable)))
    return sorted(found, key=lambda t: -t.size)


def _topic(members: list[dict[str, Any]], everywhere: Counter, total: int) -> Topic:
    # each question's words once, in the order written: ties keep that order, whatever the hash seed
    words = Counter(t for r in members for t in dict.fromkeys(terms(r["question"])))
    # its commonest words, favouring those it uses more than the other questions do
    score = {t: n * np.log(1 + total / everywhere[t]) for t, n in words.items() if n >= 2 or len(members) < 4}
    label = ", ".join(sorted(score, key=lambda t: -score[t])[:3]) or "(no common words)"
    cited = Counter(s for r in members for s in json.loads(r.get("sections") or "[]"))
    outcomes = Counter(r["outcome"] for r in members)
    weeks = Counter(_week(r["created_at"]) for r in members)
    gaps_first = sorted(members, key=lambda r: r["outcome"] not in GAP_OUTCOMES)
    return Topic(
        label=label,
        size=len(members),
        section=cited.most_common(1)[0][0] if cited else "",
        declined=outcomes["declined"],
        partly=outcomes["partly"],
        weeks=weeks,
        examples=[r["question"] for r in gaps_first[:3]],
    )


def _week(created_at: str) -> str:
    year, week, _ = datetime.fromisoformat(created_at).isocalendar()
    return f"{year}-W{week:02d}"


def gaps(found: list[Topic]) -> list[Topic]:
    """Topics with declined or partly answered questions, most gaps first."""
    return sorted((t for t in found if t.declined + t.partly), key=lambda t: -(t.declined + t.partly))


def unhelpful(feedback_rows: list[dict[str, Any]], since: str = "") -> list[dict[str, Any]]:
    """Answers families marked unhelpful (newest first), with their comments."""
    down = [r for r in feedback_rows if r.get("rating") == -1 and str(r.get("created_at", "")) >= since]
    return sorted(down, key=lambda r: str(r.get("created_at", "")), reverse=True)


def sections_cited(rows: list[dict[str, Any]], all_sections: list[str]) -> tuple[list[tuple[str, int]], list[str]]:
    """(section, times cited) most first, and the sections of the documents never cited."""
    cited = Counter(s for r in rows for s in json.loads(r.get("sections") or "[]"))
    never = sorted(s for s in set(all_sections) if s not in cited)
    return cited.most_common(), never


def markdown(found: list[Topic], down: list[dict[str, Any]], cited, never: list[str], days: int) -> str:  # noqa: ANN001
    """The same as the staff area, for `python -m feedback gaps`."""
    lines = [f"# What families asked: the last {days} days", "", "## Content gaps (declined or partly answered)", ""]
    lines += ["| topic | declined | partly | questions | most-cited section | examples |", "|---|---|---|---|---|---|"]
    for t in gaps(found):
        examples = " / ".join(e.replace("|", "/")[:120] for e in t.examples)
        lines.append(f"| {t.label} | {t.declined} | {t.partly} | {t.size} | {t.section or '—'} | {examples} |")
    lines += ["", "## Topics", "", "| topic | questions | most-cited section |", "|---|---|---|"]
    lines += [f"| {t.label} | {t.size} | {t.section or '—'} |" for t in found]
    lines += ["", "## Answers marked unhelpful", "", "| when | question | comment |", "|---|---|---|"]
    lines += [f"| {r['created_at']} | {_cell(r['question'], 120)} | {_cell(r['comment'], 200)} |" for r in down]
    lines += ["", "## Sections cited most", "", "| section | times |", "|---|---|"]
    lines += [f"| {s} | {n} |" for s, n in cited[:20]]
    lines += ["", f"## Sections never cited ({len(never)})", ""] + [f"- {s}" for s in never]
    return "\n".join(lines) + "\n"


def _cell(value: object, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit].replace("|", "/")
