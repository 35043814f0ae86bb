"""Hostile and broken input, through the Python API and through the app's /ask API.

Whatever arrives (nothing, whitespace, 100,000 characters, control characters, broken UTF-8, emoji,
right-to-left text, HTML, markdown links, a 500-turn or malformed history) the assistant answers:
no exception, no "something went wrong", a non-empty answer, nothing injected echoed into it, each
answer within a few seconds, and memory that does not grow with what it has read.
"""

from __future__ import annotations

import gc
import json
import re
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.answer import Answer
from loa.settings import Settings

pytestmark = pytest.mark.quality

# characters: 25 times the input limit, and under the 1 MB request cap even as JSON escapes
# (tests/ui/test_http.py checks the cap itself)
HUGE = 50_000
SECONDS_PER_ANSWER = 5.0  # Python API; the /ask API gets a little more for HTTP and the queue
SECONDS_PER_API_ANSWER = 10.0
RSS_GROWTH_MB = 200
DESIGNED_API_ERRORS = {"too_long", "bad_history"}  # /ask's own refusals of input it cannot take

QUESTIONS = [
    "what is portage?",
    "my son is 2 and not talking, can someone visit us?",
    "how do I ask for an EHC needs assessment?",
    "who can help with transport to school?",
    "what does SENDIASS do?",
]
HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "</textarea><script>alert(document.cookie)</script>",
    "<svg/onload=alert(1)>",
    "<b>bold</b> &lt;script&gt; &amp;",
]
MARKDOWN = [
    "[click](javascript:alert(1))",
    "![x](http://evil/x.png)",
    "| table |\n|---|\n| cell |",
    "[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "```\nrm -rf /\n```",
    "# Heading\n> quoted\n---",
    "see [1] and [99]",
]
RTL = [
    "ما هي خدمة بورتاج؟",
    "מה זה פורטג'?",
    "\u202eegatrop si tahw",
    "\u202bمرحبا\u202c portage \u2067שלום\u2069",
    "\u200f\u200e\u061c",
]
EMOJI = ["👨‍👩‍👧", "🧒🏽 🗣️❓", "🏳️‍🌈", "🇬🇧", "🚀" * 50, "\u200d\ufe0f"]
HUGE_SEEDS = [
    "a",
    "portage speech therapy school transport ",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1)) ",
    "🧒🏽",
    "ما هي خدمة ",
    "\x00\x1f\x7f",
    "how do I get an EHC plan? ",
]
INJECTED = ("<script", "javascript:", "evil/x.png", "evil.example", "onerror=", "onload=")


def huge(seed: str) -> str:
    return (seed * (HUGE // len(seed) + 1))[:HUGE]


def turns(n: int) -> list[dict]:
    return [
        {"role": "user", "content": QUESTIONS[i // 2 % len(QUESTIONS)]}
        if i % 2 == 0
        else {"role": "assistant", "content": "Portage is a home visiting service. [1]"}
        for i in range(n)
    ]


LONG_HISTORY = turns(500)

whitespace = st.text(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2003\u2028\u2029\u3000\ufeff"))
control = st.text(st.sampled_from([chr(i) for i in range(32)] + ["\x7f"]), min_size=1, max_size=200)
broken_utf8 = st.binary(min_size=1, max_size=300).map(lambda b: b.decode("utf-8", errors="surrogateescape"))
lone_surrogates = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=20)
latin1_bytes = st.binary(min_size=1, max_size=300).map(lambda b: b.decode("latin-1"))  # raw bytes as text
emoji = st.sampled_from(EMOJI) | st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1)
rtl = st.sampled_from(RTL) | st.text(st.characters(min_codepoint=0x0590, max_codepoint=0x06FF), min_size=1)
markup = st.sampled_from(HTML + MARKDOWN)
huge_text = st.sampled_from(HUGE_SEEDS).map(huge)


def inputs(broken: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Bad input alone, and wrapped around a real question (so it reaches retrieval and composing)."""
    payload = st.one_of(whitespace, control, broken, emoji, rtl, markup, st.text(max_size=300))
    mixed = st.builds(
        lambda q, p, first: f"{p} {q}" if first else f"{q} {p}", st.sampled_from(QUESTIONS), payload, st.booleans()
    )
    return st.one_of(st.just(""), payload, mixed, huge_text)


python_inputs = inputs(broken_utf8 | lone_surrogates)  # the Python API takes any str
api_inputs = inputs(latin1_bytes)  # JSON over HTTP cannot carry lone surrogates: send raw bytes as latin-1

role = st.sampled_from(["user", "assistant"])
bad_turn = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.just({}),
    st.builds(lambda r: {"role": r}, role),  # no content
    st.builds(lambda c: {"content": c}, st.text(max_size=20)),  # no role
    st.fixed_dictionaries(
        {"role": st.none() | st.integers() | role, "content": st.none() | st.integers() | st.lists(st.text())}
    ),
)
good_turn = st.fixed_dictionaries(
    {"role": role, "content": st.sampled_from(QUESTIONS) | st.text(max_size=100) | huge_text}
)
histories = st.one_of(
    st.none(),
    st.just([]),
    st.just(LONG_HISTORY),
    st.lists(good_turn, max_size=12),
    st.lists(bad_turn | good_turn, min_size=1, max_size=20),
    st.sampled_from(["[]", 5, {"role": "user", "content": "hi"}]),  # not a list at all
)
history_jsons = st.one_of(
    st.just("[]"),
    st.just(json.dumps(LONG_HISTORY)),
    st.lists(good_turn, max_size=12).map(json.dumps),
    st.lists(bad_turn, min_size=1, max_size=10).map(json.dumps),
    st.sampled_from(["", "null", "{}", "[null]", '{"role": "user"}', "[1, 2]", "not json", "[{"]),
)


def check_text(answer: str, citations: list) -> None:
    assert isinstance(answer, str) and answer.strip(), "empty answer"
    lowered = answer.lower()
    for bad in INJECTED:
        assert bad not in lowered, f"{bad!r} in the answer"
    assert isinstance(citations, list)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer)}
    numbers = [c["n"] if isinstance(c, dict) else c.n for c in citations]
    assert numbers == list(range(1, len(numbers) + 1))
    assert markers <= set(numbers), f"markers {sorted(markers)} without a citation"


def ask_timed(bot, text: str, history: object) -> Answer:  # noqa: ANN001
    started = time.perf_counter()
    answer = bot.ask(text, history)
    seconds = time.perf_counter() - started
    assert seconds < SECONDS_PER_ANSWER, f"{seconds:.1f} s for {text[:60]!r} ({len(text)} characters)"
    return answer


# -- the Python API --------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=python_inputs, history=histories)
@example(text="", history=None)
@example(text=" \t\n\u3000 ", history=[])
@example(text=huge("portage speech therapy school transport "), history=None)
@example(text="".join(chr(i) for i in range(32)) + "\x7f", history=None)
@example(text=b"what is portage \xff\xfe\xc3\x28".decode("utf-8", "surrogateescape"), history=None)
@example(text="what is portage? <script>alert(1)</script>", history=None)
@example(text="what is portage? [click](javascript:alert(1)) ![x](http://evil/x.png) | table |", history=None)
@example(text="\u202eما هي خدمة بورتاج؟ portage", history=None)
@example(text="and how do I ask for it?", history=LONG_HISTORY)
@example(text="and their phone number?", history=[None, 5, {"role": "user"}, {"content": None}, "x", [1]])
def test_python_api_answers_anything(real_bot, text: str, history: object) -> None:  # noqa: ANN001
    answer = ask_timed(real_bot, text, history)

    assert isinstance(answer, Answer)
    assert answer.kind != "error", (answer.notes, answer.answer)
    check_text(answer.answer, answer.citations)
    assert json.loads(json.dumps(answer.to_json()))["answer"] == answer.answer


def test_memory_stays_bounded_over_large_inputs(real_bot, capsys) -> None:  # noqa: ANN001
    def rss_mb() -> float:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024

    texts = [huge(f"{HUGE_SEEDS[i % len(HUGE_SEEDS)]}{i} ") for i in range(30)]  # all different
    ask_timed(real_bot, texts[-1], LONG_HISTORY)  # warm: first-use allocations are not growth
    gc.collect()
    before = rss_mb()
    for text in texts:
        answer = ask_timed(real_bot, text, LONG_HISTORY)
        assert answer.kind != "error" and "truncated" in answer.notes
    gc.collect()
    growth = rss_mb() - before
    with capsys.disabled():
        print(f"\n[fuzz] RSS {before:.0f} MB -> {before + growth:.0f} MB over 30 inputs of {HUGE:,} characters")
    assert growth < RSS_GROWTH_MB


# -- the app's /ask API through gradio_client ------------------------------------------------------
@pytest.fixture
def client(serve, real_settings, tmp_path: Path):  # noqa: ANN001, ANN201
    url = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3"))
    assert url.startswith("http://127.0.0.1:")
    client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
    yield client
    client.close()


def ask_api(client: Client, question: object, history_json: object) -> dict:
    started = time.perf_counter()
    job = client.submit(question, history_json, api_name="/ask")
    try:
        raw = job.result(timeout=SECONDS_PER_API_ANSWER * 3)
    except TimeoutError:
        job.cancel()
        raise
    seconds = time.perf_counter() - started
    assert seconds < SECONDS_PER_API_ANSWER, f"{seconds:.1f} s"
    assert isinstance(raw, str)
    data = json.loads(raw)
    assert isinstance(data, dict)
    return data


def test_api_answers_anything(client: Client) -> None:
    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(question=api_inputs, history_json=history_jsons)
    @example(question="", history_json="[]")
    @example(question=huge("a"), history_json="[]")
    @example(question=bytes(range(256)).decode("latin-1"), history_json="[]")
    @example(question="what is portage? <script>alert(1)</script>", history_json="[]")
    @example(question="what is portage? [click](javascript:alert(1)) ![x](http://evil/x.png)", history_json="[]")
    @example(question="and how do I ask for it?", history_json=json.dumps(LONG_HISTORY))
    @example(question="and their email?", history_json=json.dumps([None, 5, {"role": "user"}]))
    def check(question: str, history_json: str) -> None:
        try:
            data = ask_api(client, question, history_json)
        except httpx.HTTPStatusError as err:  # a body over LOA_MAX_REQUEST_BYTES gets 413 before it is read
            body = len(json.dumps([question, history_json]).encode())
            assert err.response.status_code == 413 and body > Settings().max_request_bytes // 2, body
            return
        assert {"answer", "citations", "kind", "refused", "notes"} <= set(data)
        if data["kind"] == "error":  # only /ask's own refusals, never "something went wrong"
            assert set(data["notes"]) <= DESIGNED_API_ERRORS and data["notes"], data
            assert data["refused"] is True
        if len(question) > HUGE // 2:
            assert data["notes"] == ["too_long"]
        check_text(data["answer"], data["citations"])

    check()


@pytest.mark.parametrize("history", [[{"role": "user", "content": "what is portage?"}], 5])
def test_api_non_string_history_gets_an_error_answer(client: Client, history: object) -> None:
    data = ask_api(client, "what is portage?", history)
    assert data["kind"] == "error" and data["notes"] == ["bad_history"]
    check_text(data["answer"], data["citations"])
