"""Each answer stage on its own, with small fakes: what it ends, what it adds to the context."""

from __future__ import annotations

from bot.answer import Answer, Passage
from bot.context import Asked, Evidence, Gate
from bot.facts import CorpusFacts
from bot.guard import Screening
from bot.query import QueryExpander
from bot.respond import Responder
from bot.routing.router import Route
from bot.stages.annotate import Annotate
from bot.stages.decide import Decide
from bot.stages.direct import Direct
from bot.stages.frame import Frame
from bot.stages.pipeline import Pipeline
from bot.stages.route import RouteStage
from bot.stages.write import Write
from bot.wording import MESSAGES

PORTAGE = Passage(
    "p1",
    "Portage is a home visiting service for young children.",
    "lis.txt",
    "Learning Inclusion Service",
    "published",
    "published",
    "LIS › Portage",
    "Portage",
    0,
    60,
)
DRAFT = Passage(
    "s1",
    "Portage families told us visits help.",
    "strategy.txt",
    "Strategy",
    "draft",
    "draft (2021)",
    "Strategy › Voices",
    "",
    0,
    40,
)


def respond() -> Responder:
    return Responder(None, lambda pieces: (pieces, {}))


def asked(text: str, route: str = "answer", **screening: object) -> Asked:
    return Asked(text, [], Screening(question=text, **screening), Route(route, 0.9))


def facts() -> CorpusFacts:
    return CorpusFacts([PORTAGE, DRAFT])


class NoConflicts:
    def find(self, used: list) -> list:  # noqa: ANN001
        return []


def test_the_pipeline_stops_at_the_first_stage_that_answers() -> None:
    ran: list[str] = []

    def stage(name: str, answer: Answer | None):  # noqa: ANN202
        def run(a: Asked) -> Answer | None:
            ran.append(name)
            return answer

        return run

    done = Answer("q", "done")
    assert Pipeline([stage("a", None), stage("b", done), stage("c", None)]).run(asked("q")) is done
    assert ran == ["a", "b"]


def test_frame_ends_fixed_routes_and_adds_lines_to_the_others() -> None:
    frame = Frame(respond(), facts(), QueryExpander({}), crisis_only=0.5)
    assert frame(asked("hello", "chitchat")).kind == "reply"
    assert frame(asked("bins?", "out_of_scope")).kind == "declined"
    assert frame(Asked("x", [], Screening("x"), Route("crisis", 0.9))).kind == "crisis"
    personal = asked("what is portage?", personal=["phone"])
    assert frame(personal) is None
    assert personal.closing == [MESSAGES["personal"]] and "personal-data" in personal.notes
    assert frame(asked("?")).kind == "empty"
    assert frame(asked("tell me about quantum chromodynamics")).refused  # no word of the documents


def test_direct_declines_a_place_the_documents_never_name() -> None:
    class Composer:
        def definition(self, acronym: str, passages: dict) -> None:  # noqa: ARG002
            return None

    direct = Direct(Composer(), {PORTAGE.id: PORTAGE}, facts(), respond())  # type: ignore[arg-type]
    assert direct(asked("who is the SENCo at Roundhay School?")).refused
    assert direct(asked("what is portage?")) is None


def test_decide_refuses_when_the_gate_says_no_and_no_service_was_found() -> None:
    decide = Decide(None, Gate(), facts(), respond(), None)  # type: ignore[arg-type]
    weak = asked("what is portage?")
    weak.evidence = Evidence("what is portage?", "", [PORTAGE], [{}], best_unit=0.1, coverage=0.1)
    answer = decide(weak)
    assert answer is not None and answer.refused and weak.composition is None


def test_annotate_notes_a_draft_source_and_builds_the_answer() -> None:
    from bot.answer import Citation

    a = asked("what did families say?")
    a.pieces, a.citations = ["Portage families told us visits help. [1]"], [Citation.of(1, DRAFT)]
    answer = Annotate(NoConflicts(), respond())(a)  # type: ignore[arg-type]
    assert answer.citations[0].status == "draft" and len(answer.sentences) == 2  # the answer, then the draft note
    assert answer.kind == "answer" and not answer.refused


def test_write_without_a_model_leaves_the_extractive_answer() -> None:
    a = asked("what is portage?")
    assert Write(None)(a) is None and a.path == "extractive"  # type: ignore[arg-type]


def test_a_less_sure_crisis_gets_the_safety_message_before_the_answer() -> None:
    stage = RouteStage(None, lambda text: None, respond())  # type: ignore[arg-type,return-value]
    answer = stage.finish("q", Route("crisis", 0.4), Answer("q", "Portage visits.", sentences=["Portage visits."]))
    assert answer.kind == "crisis" and answer.sentences[0] == MESSAGES["crisis"] and answer.route == "crisis"
    refused = stage.finish("q", Route("crisis", 0.4), Answer("q", "no", refused=True))
    assert refused.kind == "crisis" and not refused.refused


def test_annotate_says_what_the_documents_leave_out_then_signposts() -> None:
    a = asked("how do I get the deaf team's help?")
    a.pieces, a.gaps, a.notes = ["They support deaf children. [1]"], ["The documents don't say how."], ["half-answered"]
    signposted = Responder((["Call SENDIASS."], PORTAGE), lambda pieces: (pieces, {}))
    answer = Annotate(NoConflicts(), signposted)(a)  # type: ignore[arg-type]
    assert answer.sentences[1] == "The documents don't say how."
    assert answer.sentences[2].endswith("Call SENDIASS. [1]")
