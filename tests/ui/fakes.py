"""A tiny stand-in for the Bot: fixed answers, no model, and a record of every call."""

from __future__ import annotations

from bot.answer import Answer, Citation, Passage


def passage(pid: str, text: str, title: str = "Learning Inclusion Service", status: str = "published", **kw) -> Passage:
    return Passage(
        id=pid,
        text=text,
        doc=kw.get("doc", "learning-inclusion-service.txt"),
        title=title,
        status=status,
        status_label="Draft, 2021" if status == "draft" else "Published",
        section=kw.get("section", f"{title} › Portage"),
        team=kw.get("team", "Portage"),
        start=kw.get("start", 0),
        end=kw.get("end", len(text)),
    )


PORTAGE = passage(
    "p1",
    "Requests to the Portage service can be made in the following circumstances:\n\n"
    "• the child is aged between 0 and two and a half years of age",
    section="Learning Inclusion Service › Portage › How are requests made to the Portage Service?",
)
VISITS = passage("p2", "Following an assessment, the family may be offered home visits.", start=100)
DRAFT = passage(
    "p3",
    "We will <b>review</b> the budget for SEND <img src=x onerror=alert(1)>.",
    title="Everyone's included: the Leeds SEND and inclusion strategy 2021 to 2026",
    status="draft",
    doc="send-inclusion-strategy-2021-draft.txt",
    section="Strategy › Budget",
)


def portage_answer(question: str = "can someone visit us?") -> Answer:
    pieces = [
        "Requests to the Portage service can be made in the following circumstances: [1] "
        "Following an assessment, the family may be offered home visits. [2]",
        "- the child is aged between 0 and two and a half years of age [1]",
        "- email portage@leeds.gov.uk or call 0113 378 5499 [2]",
    ]
    return Answer(
        question,
        pieces[0] + "\n\n" + "\n".join(pieces[1:]),
        citations=[Citation.of(1, PORTAGE), Citation.of(2, VISITS)],
        sentences=pieces,
    )


def refusal(question: str = "what is the weather?") -> Answer:
    pieces = [
        "I couldn't find an answer to this in the Leeds Local Offer documents I use, so I won't guess.",
        "For advice about your situation, SENDIASS can help: call 0113 378 5020 [1]",
    ]
    return Answer(
        question,
        "\n\n".join(pieces),
        refused=True,
        kind="refused",
        citations=[Citation.of(1, VISITS)],
        sentences=pieces,
    )


class FakeRetriever:
    def __init__(self, passages: list[Passage]) -> None:
        self.passages = {p.id: p for p in passages}


class FakeBot:
    def __init__(self, answer: Answer | None = None, fail: bool = False) -> None:
        self.answer = answer or portage_answer()
        self.fail = fail
        self.calls: list[tuple[str, list]] = []
        self.retriever = FakeRetriever([PORTAGE, VISITS, DRAFT])

    def stream(self, question: str, history: list | None = None):
        self.calls.append((question, list(history or [])))
        if self.fail:
            raise RuntimeError("index exploded at /secret/path")
        yield from self.answer.sentences
        yield self.answer

    def ask(self, question: str, history: list | None = None) -> Answer:
        *_, answer = self.stream(question, history)
        return answer

    def search(self, query: str, history: list | None = None) -> list[Passage]:
        self.calls.append((query, []))
        return [VISITS, DRAFT, PORTAGE]

    def context(self, pid: str) -> tuple[str, Passage, str]:
        return "Text before.", self.retriever.passages[pid], "Text after."
