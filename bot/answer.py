"""What the bot returns: an answer with numbered citations, as data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with what the answer needs to cite it."""

    id: str
    text: str
    doc: str
    title: str
    status: str
    status_label: str
    section: str
    team: str
    start: int
    end: int
    score: float = 0.0  # fused rank score
    dense: float = 0.0  # cosine similarity to the question
    comments: frozenset[int] = frozenset()  # positions of units that are families' comments (ingest/kinds.py)

    @classmethod
    def from_metadata(cls, id_: str, text: str, meta: dict[str, Any], **scores: float) -> Passage:
        return cls(
            id=id_,
            text=text,
            doc=str(meta.get("doc", "")),
            title=str(meta.get("title", "")),
            status=str(meta.get("status", "published")),
            status_label=str(meta.get("status_label", "Published")),
            section=str(meta.get("section", "")),
            team=str(meta.get("team", "")),
            start=int(meta.get("start", 0)),
            end=int(meta.get("end", 0)),
            comments=frozenset(int(p) for p in str(meta.get("comments") or "").split(",") if p.strip().isdigit()),
            **scores,
        )

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True)
class Citation:
    n: int
    doc: str
    title: str
    status: str
    status_label: str
    section: str
    text: str
    chunk_id: str
    start: int
    end: int

    @classmethod
    def of(cls, n: int, passage: Passage) -> Citation:
        return cls(
            n=n,
            doc=passage.doc,
            title=passage.title,
            status=passage.status,
            status_label=passage.status_label,
            section=passage.section,
            text=passage.text,
            chunk_id=passage.id,
            start=passage.start,
            end=passage.end,
        )


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool = False
    citations: list[Citation] = field(default_factory=list)
    latency_ms: float = 0.0
    # "answer", "refused", "crisis", "declined" (abuse/decisions), "error"
    kind: str = "answer"
    path: str = "extractive"  # which path produced it: extractive or llm
    # with an LLM configured: sentences generated and removed by verification, fallback reason, timings
    generation: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    # acronym -> expansion the answer spelled out inline, e.g. {"SENCo": "Special ..."}
    expansions: dict[str, str] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)  # the answer, one streamed piece each
    # the route stage's label (answer, crisis, chitchat, vague, non_english, out_of_scope, advice, injection)
    route: str = ""
    route_confidence: float | None = None
    suggestions: list[str] = field(default_factory=list)  # questions to offer when the message was vague
    intent: str = ""  # what the question wanted to know (bot/understand/), when it got that far
    service: str = ""  # the service it was about, if one was found

    @property
    def outcome(self) -> str:
        """For the question log: answered, partly (the documents answer part), declined, crisis, reply or error."""
        if self.kind == "crisis":
            return "crisis"
        if self.kind == "error":
            return "error"
        if self.route in ("chitchat", "vague", "non_english"):
            return "reply"
        if self.refused:
            return "declined"
        return "partly" if "half-answered" in self.notes else "answered"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("sentences")
        data["latency_ms"] = round(self.latency_ms, 1)
        if self.route_confidence is not None:
            data["route_confidence"] = round(self.route_confidence, 3)
        return data

    def render_sources(self) -> str:
        lines = []
        for c in self.citations:
            status = f" [{c.status_label}]" if c.status == "draft" else ""
            lines.append(f"[{c.n}] {c.title}{status} — {c.section}\n    {' '.join(c.text.split())}")
        return "\n".join(lines)
