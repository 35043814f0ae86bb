"""What families asked, from made-up log rows: topics by meaning, gaps, sections, the Markdown report."""

from __future__ import annotations

import json

import numpy as np

from feedback import insights


def row(i: int, topic: int, outcome: str, question: str, section: str) -> dict:
    v = np.zeros(8, np.float32)
    v[topic] = 1.0
    v[(topic + 1) % 8] = 0.05 * (i % 3)
    return {
        "id": str(i),
        "created_at": f"2026-11-{10 + i % 14:02d}T10:00:00+00:00",
        "question": question,
        "outcome": outcome,
        "sections": json.dumps([section] if outcome == "answered" else []),
        "vector": v.tobytes(),
    }


def rows() -> list[dict]:
    out = [row(i, 0, "answered", f"portage home visits for my toddler {i}", "Portage") for i in range(30)]
    out += [row(100 + i, 1, "declined", f"school transport taxi to special school {i}", "") for i in range(30)]
    out += [
        row(200 + i, 2, "partly" if i % 2 else "answered", f"exclusion appeal help {i}", "Exclusions")
        for i in range(30)
    ]
    return out


def test_topics_are_found_by_meaning_and_named_by_their_words() -> None:
    found = insights.topics(rows(), max_topics=3)
    assert sorted(t.size for t in found) == [30, 30, 30]
    assert {"portag", "transport", "exclus"} <= {w.strip() for t in found for w in t.label.split(",")}
    transport = next(t for t in found if "transport" in t.label)
    assert transport.declined == 30 and transport.examples[0].startswith("school transport")
    assert [t.label for t in insights.gaps(found)][0] == transport.label
    assert sum(transport.weeks.values()) == 30


def test_sections_cited_and_never_cited_and_the_report() -> None:
    cited, never = insights.sections_cited(rows(), ["Portage", "Exclusions", "Virtual School"])
    assert cited[0] == ("Portage", 30) and never == ["Virtual School"]
    down = insights.unhelpful([{"rating": -1, "created_at": "2026-11-20", "question": "q|x", "comment": "no"}])
    text = insights.markdown(insights.topics(rows(), 3), down, cited, never, 30)
    assert "## Content gaps" in text and "| q/x |" in text and "- Virtual School" in text


def test_no_rows_no_topics() -> None:
    assert insights.topics([]) == [] and insights.topics([{"question": "x", "vector": None}]) == []
