"""The web app's handlers with a fake bot: streaming, escaping, limits, feedback, the staff search."""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy import find_personal
from feedback.store import FeedbackStore
from tests.ui.fakes import DRAFT, PORTAGE, FakeBot, portage_answer, refusal
from ui import render, texts
from ui.api import make_ask
from ui.chat import ChatHandlers
from ui.wording import WordingSearch

ALLOWED_TAGS = {"div", "p", "br", "ul", "li", "em", "a", "span", "details", "summary", "blockquote"}
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)([^>]*)>")


def run(handlers: ChatHandlers, question: str, turns: list | None = None) -> list[tuple]:
    return list(handlers.respond(question, turns or []))


def last_reply(outputs: list[tuple]) -> str:
    return outputs[-1][0][-1]["content"]


def tags(html: str) -> list[tuple[str, str]]:
    return [(m.group(2).lower(), m.group(3)) for m in TAG.finditer(html)]


@pytest.fixture
def store(tmp_path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "fb.sqlite3", timeout=0.2)


# -- streaming -----------------------------------------------------------------
def test_streaming_grows_and_ends_with_source_cards(store: FeedbackStore) -> None:
    outputs = run(ChatHandlers(FakeBot(), 2000, store), "can someone visit us?")
    replies = [out[0][-1]["content"] for out in outputs]
    assert replies[0] == render.pending_html()
    partial = replies[1:-1]
    assert len(partial) == 3  # one update per streamed piece
    visible = [re.sub(r"<[^>]+>", "", r) for r in partial]
    assert all(len(a) < len(b) for a, b in zip(visible, visible[1:]))  # the text grows
    assert all("<details" not in r for r in partial)  # sources only come with the finished answer
    final = replies[-1]
    assert final.count('<details class="loa-card"') == 2
    assert "Learning Inclusion Service" in final and "Published" in final
    assert "How are requests made to the Portage Service?" in final  # the section path
    assert "the child is aged between 0 and two and a half years of age" in final  # the quoted passage
    assert outputs[-1][2] == ""  # the question box is cleared
    assert [t["role"] for t in outputs[-1][1]] == ["user", "assistant"]


def test_citation_anchors_match_card_ids(store: FeedbackStore) -> None:
    final = last_reply(run(ChatHandlers(FakeBot(), 2000, store), "can someone visit us?"))
    hrefs = re.findall(r'class="loa-cite" href="#([^"]+)"', final)
    ids = re.findall(r'<details class="loa-card" id="([^"]+)"', final)
    assert hrefs and ids == ["src-m1-1", "src-m1-2"]  # m1: the answer is message 1
    assert set(hrefs) == set(ids)
    assert "[1]" in final and "[2]" in final


def test_ids_are_unique_across_answers(store: FeedbackStore) -> None:
    handlers = ChatHandlers(FakeBot(), 2000, store)
    turns = run(handlers, "first?")[-1][1]
    outputs = run(handlers, "second?", turns)
    html = "".join(m["content"] for m in outputs[-1][0])
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == 4 and len(set(ids)) == 4


def test_history_given_to_the_bot_is_raw_text(store: FeedbackStore) -> None:
    bot = FakeBot()
    handlers = ChatHandlers(bot, 2000, store)
    turns = run(handlers, "is there help for <b>under 5s</b>?")[-1][1]
    run(handlers, "and their email?", turns)
    history = bot.calls[-1][1]
    assert history[0] == {"role": "user", "content": "is there help for <b>under 5s</b>?"}
    assert history[1]["role"] == "assistant" and history[1]["content"] == bot.answer.answer


# -- escaping ------------------------------------------------------------------
def test_script_in_a_question_is_shown_as_text(store: FeedbackStore) -> None:
    outputs = run(ChatHandlers(FakeBot(), 2000, store), "<script>alert(1)</script> what is portage")
    shown = outputs[-1][0][0]["content"]
    assert "<script" not in shown.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; what is portage" in shown


def test_corpus_html_is_escaped_in_cards(store: FeedbackStore) -> None:
    answer = portage_answer()
    answer.citations[1] = answer.citations[1].__class__.of(2, DRAFT)
    final = last_reply(run(ChatHandlers(FakeBot(answer), 2000, store), "budget?"))
    assert "<img" not in final and "<b>" not in final
    assert "&lt;img src=x onerror=alert(1)&gt;" in final
    assert 'loa-badge-draft">Draft, 2021<' in final


def test_markdown_cannot_be_smuggled_in(store: FeedbackStore) -> None:
    question = "[x](javascript:alert(1)) **bold** <img src=x onerror=alert(1)>\n\n# heading\n\n$$x$$"
    outputs = run(ChatHandlers(FakeBot(), 2000, store), question)
    for message in outputs[-1][0]:
        html = message["content"]
        assert html.startswith("<div") and "\n" not in html  # one raw HTML block: Markdown leaves it alone
        assert "javascript:" not in re.sub(r"&[^;]+;", "", "".join(a for _, a in tags(html)))
        assert {name for name, _ in tags(html)} <= ALLOWED_TAGS


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_text_renders_to_safe_html(text: str) -> None:
    for html in (render.user_html(text), render.body(text, "m1", {1, 2}), render.notice_html(text)):
        assert "\n" not in html and "\r" not in html
        for name, attrs in tags(html):
            assert name in ALLOWED_TAGS
            for href in re.findall(r'href="([^"]*)"', attrs):
                assert href.startswith(("#src-m1-", "mailto:", "tel:", "https://", "http://"))
            assert not re.search(r"\son\w+=", attrs)


def test_contacts_become_links() -> None:
    html = render.body("email portage@leeds.gov.uk or call 0113 378 5499 or see www.leeds.gov.uk/localoffer.")
    assert '<a href="mailto:portage@leeds.gov.uk">' in html
    assert '<a href="tel:01133785499">' in html
    assert '<a href="https://www.leeds.gov.uk/localoffer"' in html


# -- limits and failures ---------------------------------------------------------
def test_over_long_input_gives_the_limit_message_without_calling_the_bot(store: FeedbackStore) -> None:
    bot = FakeBot()
    question = "is there help? " * 20
    outputs = run(ChatHandlers(bot, 100, store), question)
    assert bot.calls == []
    reply = last_reply(outputs)
    assert f"{len(question):,} characters long" in reply and "100 characters or fewer" in reply
    assert outputs[-1][2] == question  # kept in the box to shorten


def test_start_again_resets_everything(store: FeedbackStore) -> None:
    cleared = ChatHandlers(FakeBot(), 9, store).clear()
    messages, turns, box, examples, conversation, target, status, comment, suggestions = cleared
    assert messages == [] and turns == [] and box == "" and target is None
    assert examples["visible"] is True and conversation["visible"] is False and comment["visible"] is False
    assert suggestions["visible"] is False


def test_a_vague_message_offers_its_suggestions_as_buttons(store: FeedbackStore) -> None:
    answer = refusal("my son")
    answer.suggestions = ["What is Portage?", "Who do I contact about exclusions?"]
    final = run(ChatHandlers(FakeBot(answer), 2000, store), "my son")[-1]
    assert final[5]["visible"] is True
    assert final[5]["samples"] == [["What is Portage?"], ["Who do I contact about exclusions?"]]
    ordinary = run(ChatHandlers(FakeBot(), 2000, store), "can someone visit us?")[-1]
    assert ordinary[5]["visible"] is False


def test_clicking_a_suggestion_asks_it(store: FeedbackStore) -> None:
    bot = FakeBot()
    outputs = list(ChatHandlers(bot, 2000, store).respond_suggestion(["What is Portage?"], []))
    assert outputs[-1][1][0]["content"] == "What is Portage?"


def test_the_first_question_swaps_examples_for_the_conversation(store: FeedbackStore) -> None:
    first = run(ChatHandlers(FakeBot(), 2000, store), "can someone visit us?")[0]
    assert first[3]["visible"] is False and first[4]["visible"] is True


def test_empty_input_does_nothing(store: FeedbackStore) -> None:
    bot = FakeBot()
    outputs = run(ChatHandlers(bot, 100, store), "   ")
    assert bot.calls == [] and outputs[-1][0] == []


def test_an_exception_becomes_a_friendly_message(store: FeedbackStore) -> None:
    reply = last_reply(run(ChatHandlers(FakeBot(fail=True), 2000, store), "what is portage?"))
    assert render.esc(texts.ERROR) in reply
    assert "Traceback" not in reply and "secret" not in reply and "RuntimeError" not in reply


def test_refusals_render_with_their_signpost(store: FeedbackStore) -> None:
    final = last_reply(run(ChatHandlers(FakeBot(refusal()), 2000, store), "what is the weather?"))
    assert 'class="loa-msg loa-kind-refused"' in final
    assert "I couldn&#x27;t find an answer" in final
    assert '<a href="tel:01133785020">' in final and 'id="src-m1-1"' in final


# -- feedback --------------------------------------------------------------------
def like(handlers: ChatHandlers, turns: list, index: int, liked: bool | str) -> tuple:
    return handlers.like(turns, gr.LikeData(None, {"index": index, "value": [], "liked": liked}))


def test_thumbs_up_stores_a_redacted_record_and_a_comment(store: FeedbackStore) -> None:
    handlers = ChatHandlers(FakeBot(), 2000, store)
    question = "my name is Sarah Jones, my son Leo is 2, email sarah.jones@example.com or 07700 900123"
    turns = run(handlers, question)[-1][1]
    turns, target, status, box = like(handlers, turns, 1, True)
    assert target == 1 and texts.FEEDBACK_THANKS in status["value"] and box["visible"] is True
    _, status = handlers.comment("I'm Mark Peters, ring me on 07700 900456", turns, target)
    assert texts.COMMENT_SAVED in status["value"]
    (row,) = store.rows()
    assert row["rating"] == 1 and row["kind"] == "answer"
    for field in ("question", "answer", "comment"):
        assert find_personal(row[field]) == [], row[field]
    assert "Sarah" not in row["question"] and "Leo" not in row["question"] and "Mark" not in row["comment"]
    assert [c["n"] for c in json.loads(row["citations"])] == [1, 2]


def test_changing_and_taking_back_a_rating(store: FeedbackStore) -> None:
    handlers = ChatHandlers(FakeBot(), 2000, store)
    turns = run(handlers, "can someone visit us?")[-1][1]
    turns, *_ = like(handlers, turns, 1, True)
    turns, *_ = like(handlers, turns, 1, False)
    assert [r["rating"] for r in store.rows()] == [-1]
    turns, target, status, _ = like(handlers, turns, 1, "")
    assert store.rows() == [] and target is None and texts.FEEDBACK_REMOVED in status["value"]


def test_feedback_on_a_question_bubble_is_ignored(store: FeedbackStore) -> None:
    handlers = ChatHandlers(FakeBot(), 2000, store)
    turns = run(handlers, "can someone visit us?")[-1][1]
    _, target, status, _ = like(handlers, turns, 0, True)
    assert target is None and status["value"] == "" and not store.path.exists()


def test_unsaveable_feedback_says_so_and_keeps_the_answer(tmp_path) -> None:
    broken = tmp_path / "not-a-db"
    broken.mkdir()  # a directory where the database file should be
    handlers = ChatHandlers(FakeBot(), 2000, FeedbackStore(broken, timeout=0.2))
    outputs = run(handlers, "can someone visit us?")
    turns = outputs[-1][1]
    new_turns, target, status, _ = like(handlers, turns, 1, True)
    assert render.esc(texts.FEEDBACK_FAILED) in status["value"] and target is None
    assert new_turns[1]["html"] == turns[1]["html"]  # the answer is untouched


# -- API -------------------------------------------------------------------------
def test_api_returns_the_cli_json() -> None:
    bot = FakeBot()
    ask = make_ask(bot, 2000)
    data = json.loads(ask("can someone visit us?", "[]"))
    assert data == bot.answer.to_json()
    too_long = json.loads(make_ask(bot, 10)("x" * 11))
    assert too_long["refused"] is True and too_long["kind"] == "error" and len(bot.calls) == 1
    bad = json.loads(ask("and their email?", '{"role": "user"}'))
    assert bad["kind"] == "error" and "history_json" in bad["answer"]


# -- staff search ------------------------------------------------------------------
STAFF = SimpleNamespace(username="staff")  # a request the staff area's sign-in let through
STRANGER = SimpleNamespace(username=None)


def test_exact_wording_search_puts_exact_matches_first_and_filters() -> None:
    search = WordingSearch(FakeBot(), None)
    hits = search.find("the budget for SEND")
    assert hits[0].passage.id == DRAFT.id and hits[0].exact
    assert hits[0].before == "Text before." and hits[0].after == "Text after."
    assert [h.passage.id for h in search.find("portage", status="published")] == [PORTAGE.id, "p2"]
    assert all(h.passage.status == "draft" for h in search.find("portage", status="draft"))
    assert search.find("budget", doc="learning-inclusion-service.txt")[0].passage.doc == PORTAGE.doc
    assert search.documents()[0] == ("All documents", "")


def test_search_results_show_passages_verbatim_and_escaped() -> None:
    html = WordingSearch(FakeBot(), None).search("the budget for SEND", "", "", STAFF)
    assert "1 with your exact words" in html
    assert html.count('<li class="loa-hit">') == 3
    first = html[: html.index("</li>")]
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in first  # the corpus's own markup, shown as text
    assert "<mark>the budget for SEND</mark>" in first
    assert 'loa-badge-draft">Draft, 2021<' in first and "Section: Strategy › Budget" in first
    assert "Text before." in first and "Text after." in first  # the text around it
    assert 'data-copy="hit-1"' in first and 'id="hit-1"' in first
    verbatim = re.search(r'<div class="loa-verbatim" id="hit-1"[^>]*>(.*?)</div>', first).group(1)
    assert html_lib.unescape(re.sub(r"</?mark>", "", verbatim)) == DRAFT.text  # exactly what copying gives
    for name, attrs in tags(html):
        assert name in ALLOWED_TAGS | {"ol", "h4", "mark", "button"}
        assert not re.search(r"\son\w+=", attrs)


def test_search_messages() -> None:
    search = WordingSearch(FakeBot(), None, max_chars=50)
    assert render.esc(texts.WORDING_NEED_QUERY) in search.search("  ", "", "", STAFF)
    assert "50 characters" in search.search("x" * 51, "", "", STAFF)
    assert render.esc(texts.WORDING_NONE) in search.search("portage", "no-such-doc.txt", "", STAFF)


def test_search_and_export_refuse_a_request_nobody_signed_in(store: FeedbackStore) -> None:
    store.add(1, "what is portage?", "Portage is ...")
    search = WordingSearch(FakeBot(), store)
    for request in (STRANGER, None):
        locked = search.search("budget", "", "", request)
        assert render.esc(texts.WORDING_LOCKED) in locked and "loa-hit" not in locked
        assert "download=" not in search.export(request) and render.esc(texts.WORDING_LOCKED) in search.export(request)


def test_feedback_export_goes_to_the_signed_in_session_only(store: FeedbackStore, tmp_path: Path) -> None:
    import base64
    import re
    import tempfile

    search = WordingSearch(FakeBot(), store)
    assert search.exports and render.esc(texts.EXPORT_NONE) in search.export(STAFF)
    store.add(1, "what is portage?", "Portage is ...")
    before = set(Path(tempfile.gettempdir()).glob("loa-feedback-*"))
    message = search.export(STAFF)
    assert "1 record" in message and set(Path(tempfile.gettempdir()).glob("loa-feedback-*")) == before  # no file
    data = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', message).group(1)
    rows = base64.b64decode(data).decode("utf-8").splitlines()
    assert rows[1].split(",")[3:5] == ["", "what is portage?"]
