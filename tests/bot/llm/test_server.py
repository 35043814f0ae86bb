"""Integration: a real OpenAI-compatible server (llama-cpp-python + SmolLM2-135M) on loopback.

The tiny model invents phone numbers, ages and names freely; these tests show that none of
what it invents reaches the person. CI runs them (`make test` installs the server from a
cached wheel); skip them locally with -m 'not llm_server'.
"""

from __future__ import annotations

import copy
import re

import pytest

from bot.llm.wiring import writer_from_settings
from eval.llm_server import ALIAS, free_port, smollm2_path, smollm2_server
from eval.metrics import Cited, invented_facts, strip_additions, without_fixed_messages
from eval.qa import load_qa
from loa.settings import Settings

pytestmark = [pytest.mark.quality, pytest.mark.llm_server]

SAMPLE = 6  # answerable questions from the eval set, one per category (about 12 s each on 2 cores)
# a prompt without the sources: the real model then writes from its own "knowledge" and invents
# web sites, phone numbers and organisations (seen: "+ (51) 33 23 23", "UNESCO", "portageteam.com")
TOLD_TO_INVENT = (
    "Question: {question}\nAnswer with the phone number and the email address of the service, "
    "and the name of its manager."
)


@pytest.fixture(scope="module")
def server_url():  # noqa: ANN201
    with smollm2_server() as url:
        yield url


def llm_bot(real_bot, **llm: object):  # noqa: ANN001, ANN201
    settings = Settings().with_(llm="openai-like", llm_model=ALIAS, llm_timeout=60.0).with_(**llm)
    bot = copy.copy(real_bot)
    bot.writer = writer_from_settings(settings, real_bot)
    return bot


def invented(answer) -> list[str]:  # noqa: ANN001
    cited = [Cited(c.doc, c.start, c.end, c.text, c.section) for c in answer.citations]
    return invented_facts(without_fixed_messages(strip_additions(answer.answer, answer.expansions)), cited)


def sample_questions() -> list:
    items, _ = load_qa()
    answerable = [i for i in items if i.answerable and not i.history]
    by_category: dict[str, list] = {}
    for item in answerable:
        by_category.setdefault(item.category, []).append(item)
    return [group[0] for group in by_category.values()][:SAMPLE]


def test_answers_from_the_real_model_hold_nothing_their_sources_lack(real_bot, server_url: str) -> None:  # noqa: ANN001
    bot = llm_bot(real_bot, llm_base_url=server_url)
    answers = [bot.ask(item.question) for item in sample_questions()]
    asked = [a for a in answers if a.generation is not None]
    assert len(asked) >= SAMPLE - 2  # the gate answered nearly all; the model wrote for each of those
    for answer in answers:
        assert invented(answer) == [], (answer.question, answer.answer)
    for answer in asked:
        if answer.path == "llm":
            assert answer.generation["fallback"] == ""
            assert all(re.search(r"\[\d+\]", piece) for piece in answer.sentences if not piece.endswith(":"))
        else:
            assert "llm-fallback" in answer.notes


def test_what_the_model_is_told_to_invent_never_reaches_the_person(real_bot, server_url: str) -> None:  # noqa: ANN001
    """The real model, prompted without its sources, invents contacts and names; none reach the person."""
    bot = llm_bot(real_bot, llm_base_url=server_url)
    bot.writer.template = TOLD_TO_INVENT
    invented_by_model = []
    for question in ("How do I contact the Portage service?", "Who runs the Pupil Tuition Team?"):
        answer = bot.ask(question)
        invented_by_model += answer.generation["invented"]
        assert invented(answer) == []
        shown = answer.answer.lower().replace(" ", "")
        assert not [f for f in answer.generation["invented"] if ("@" in f or len(f) >= 10) and f.lower() in shown]
    assert invented_by_model, "SmolLM2, asked without its sources, invented nothing this time"


def test_streaming_from_the_real_server(real_bot, server_url: str) -> None:  # noqa: ANN001
    bot = llm_bot(real_bot, llm_base_url=server_url)
    *pieces, final = list(bot.stream("What does the Portage service do?"))
    assert final.generation is not None and final.generation["seconds"] > 0
    if final.path == "llm":
        assert pieces == final.sentences
    assert invented(final) == []


def test_a_server_that_is_down_gives_the_extractive_answer_with_a_note(real_bot) -> None:  # noqa: ANN001
    bot = llm_bot(real_bot, llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout=5.0)
    answer = bot.ask("What does the Portage service do?")
    assert answer.path == "extractive" and answer.generation["fallback"] == "unreachable"
    assert "quotes the Leeds documents directly" in answer.answer
    assert "Portage" in answer.answer


def test_a_timeout_gives_the_extractive_answer(real_bot, server_url: str) -> None:  # noqa: ANN001
    bot = llm_bot(real_bot, llm_base_url=server_url, llm_timeout=0.01)
    answer = bot.ask("What does the Portage service do?")
    assert answer.path == "extractive" and answer.generation["fallback"] == "timeout"


def test_a_prompt_longer_than_the_context_gives_the_extractive_answer(real_bot, server_url: str) -> None:  # noqa: ANN001
    bot = llm_bot(real_bot, llm_base_url=server_url)
    bot.writer.template = "{sources}\n" + "Leeds SEND services. " * 3000 + "\nQuestion: {question}"
    answer = bot.ask("What does the Portage service do?")
    assert answer.path == "extractive" and answer.generation["fallback"] in {"too long", "error"}
    assert "quotes the Leeds documents directly" in answer.answer


def test_the_llama_cpp_backend_runs_a_local_gguf(real_bot) -> None:  # noqa: ANN001
    bot = copy.copy(real_bot)
    bot.writer = writer_from_settings(Settings(llm="llama-cpp", llm_model=str(smollm2_path())), real_bot)
    answer = bot.ask("Who can I email about exclusions?")
    assert answer.generation is not None and answer.generation["sentences"] >= 1
    assert invented(answer) == []
