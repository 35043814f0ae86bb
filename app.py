"""Local Offer Assistant: the web app for families and staff.

Run it with ``python app.py`` (settings come from the ``LOA_*`` variables, see loa/settings.py;
it listens on http://127.0.0.1:7860 by default and builds the index on first start).

Call it from Python with gradio_client; it returns the same JSON as ``python -m bot ask --json``::

    import json
    from gradio_client import Client
    client = Client("http://127.0.0.1:7860/")
    result = json.loads(client.predict("my son is 2 and not talking, can someone visit us?", "[]", api_name="/ask"))
    print(result["answer"], [(c["n"], c["title"], c["section"]) for c in result["citations"]])

The second argument is the conversation so far as a JSON list of {"role", "content"} objects.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from loa.settings import Settings, SettingsError, configure_offline

configure_offline()  # before Gradio is imported: no telemetry, no model hub

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from feedback.store import FeedbackStore  # noqa: E402
from ui import SCRIPT, STYLE, texts  # noqa: E402
from ui.api import make_ask  # noqa: E402
from ui.chat import ChatHandlers  # noqa: E402
from ui.http import ApiDefaults, BodyLimit  # noqa: E402
from ui.wording import WordingSearch, build_tab  # noqa: E402

BOT_CONCURRENCY = 2  # answers computed at once; the rest wait in the queue
DEFAULT_CONCURRENCY = 4  # other events (feedback, unlocking)
QUEUE_SIZE = 64  # beyond this, people are asked to try again shortly
PRIVATE = {"api_visibility": "private"}  # UI events are not API endpoints; only /ask is
BOT = {"concurrency_id": "bot", "concurrency_limit": BOT_CONCURRENCY}


def theme() -> gr.themes.Base:
    """Gradio's default look with a dark blue accent (white on it: 6.7:1) and the system's fonts.

    Named fonts rather than ``gr.themes.GoogleFont``: the page fetches nothing from other sites.
    """
    fonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate", text_size=gr.themes.sizes.text_lg, font=fonts, font_mono=mono
    ).set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white",
        button_primary_text_color_hover="white",
        body_text_color_subdued="*neutral_600",
        block_info_text_color="*neutral_600",
    )


def build_app(bot: Any, settings: Settings, store: FeedbackStore | None = None) -> gr.Blocks:
    """The whole app around one loaded bot. ``store`` defaults to ``settings.feedback_db``."""
    store = store or FeedbackStore(settings.feedback_db)
    chat = ChatHandlers(bot, settings.max_input_chars, store)
    wording = WordingSearch(bot, settings.staff_password, store, settings.max_input_chars)
    with gr.Blocks(title=texts.TITLE, analytics_enabled=False) as demo:
        turns = gr.State([])
        target = gr.State(None)  # the message index whose thumbs a comment belongs to
        gr.HTML(f'<a class="loa-skip" href="#loa-question">{texts.SKIP_LINK}</a>', js_on_load=None, padding=False)
        with gr.Tabs():
            with gr.Tab("Ask a question", id="ask"):
                gr.Markdown(texts.INTRO)
                gr.HTML(texts.PRIVACY, js_on_load=None)
                with gr.Column(elem_classes="loa-examples") as examples:
                    gr.Markdown("Try a question families ask:", elem_classes="loa-examples-title")
                    with gr.Row():
                        family = [gr.Button(q, size="md", min_width=200) for q in texts.FAMILY_EXAMPLES]
                    gr.Markdown("Try a question staff ask:", elem_classes="loa-examples-title")
                    with gr.Row():
                        staff = [gr.Button(q, size="md", min_width=200) for q in texts.STAFF_EXAMPLES]
                with gr.Column(visible=False) as conversation:  # shown from the first question
                    chatbot = gr.Chatbot(
                        label="Conversation",
                        show_label=False,  # a floating label would cover the messages; the log has its own aria-label
                        elem_id="loa-chat",
                        height="65vh",
                        min_height=320,
                        autoscroll=False,  # ui/script.html scrolls a new question to the top instead
                        placeholder=texts.EMPTY_CHAT,
                        buttons=[],  # no share-to-the-internet button, no copy of raw HTML
                        feedback_options=("Like", "Dislike"),
                        sanitize_html=True,
                        allow_tags=False,
                        latex_delimiters=[],
                        group_consecutive_messages=False,
                        layout="bubble",
                    )
                    suggestions = gr.Dataset(
                        components=[gr.Textbox(visible=False)],
                        samples=[],
                        label=texts.SUGGESTIONS_LABEL,
                        type="values",
                        visible=False,
                        elem_id="loa-suggestions",
                    )
                    status = gr.HTML("", elem_id="loa-feedback-status", js_on_load=None)
                    with gr.Group(visible=False) as comment_box:
                        comment = gr.Textbox(
                            label=texts.FEEDBACK_COMMENT_LABEL, info=texts.FEEDBACK_COMMENT_INFO, lines=2, max_lines=6
                        )
                        send = gr.Button("Send comment")
                question = gr.Textbox(
                    label=texts.QUESTION_LABEL,
                    info=texts.QUESTION_INFO,
                    placeholder=texts.QUESTION_PLACEHOLDER,
                    lines=1,  # with one line, Enter asks and Shift+Enter starts a new line
                    max_lines=8,
                    elem_id="loa-question",
                )
                with gr.Row():
                    ask = gr.Button("Ask", variant="primary", elem_id="loa-ask")
                    clear = gr.Button("Start again", variant="secondary")
            with gr.Tab("Find exact wording (staff)", id="wording"):
                build_tab(wording)

        answer_out = [chatbot, turns, question, examples, conversation, suggestions]
        question.submit(chat.respond, [question, turns], answer_out, **BOT, **PRIVATE)
        ask.click(chat.respond, [question, turns], answer_out, **BOT, **PRIVATE)
        for button in family + staff:  # a Button as an input passes its own text
            button.click(chat.respond, [button, turns], answer_out, **BOT, **PRIVATE)
        suggestions.click(chat.respond_suggestion, [suggestions, turns], answer_out, **BOT, **PRIVATE)
        reset = [chatbot, turns, question, examples, conversation, target, status, comment_box, suggestions]
        clear.click(chat.clear, None, reset, **PRIVATE)
        chatbot.clear(chat.clear, None, reset, **PRIVATE)  # the chat's own bin icon
        chatbot.like(chat.like, turns, [turns, target, status, comment_box], **PRIVATE)
        send.click(chat.comment, [comment, turns, target], [comment, status], **PRIVATE)
        comment.submit(chat.comment, [comment, turns, target], [comment, status], **PRIVATE)
        gr.api(make_ask(bot, settings.max_input_chars), api_name="ask", **BOT)
    return demo


def launch(demo: gr.Blocks, settings: Settings, *, block: bool = True) -> str:
    """Serve on settings.host:settings.port (loopback by default, never a public share link)."""
    demo.queue(default_concurrency_limit=DEFAULT_CONCURRENCY, max_size=QUEUE_SIZE)
    _, url, _ = demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        prevent_thread_lock=True,
        quiet=True,
        show_error=False,
        footer_links=["api"],
        run_history=False,  # questions are not kept in the browser
        enable_monitoring=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        theme=theme(),
        css_paths=[STYLE],
        app_kwargs={
            "middleware": [
                Middleware(BodyLimit, max_bytes=settings.max_request_bytes),
                Middleware(ApiDefaults, defaults={"ask": [None, "[]"]}),
            ]
        },
        head=SCRIPT.read_text(encoding="utf-8"),
        # Gradio 6.31's screen-reader status says "common.complete": its English text is missing
        i18n=gr.I18n(en={"common.complete": "Done.", "common.error": "Something went wrong."}),
    )
    print(f"Local Offer Assistant is running at {url}  (press Ctrl+C to stop)", flush=True)
    if block:
        try:
            demo.block_thread()
        finally:
            demo.close()
    return url


def ensure_index(settings: Settings) -> None:
    """On first start there is no index: build it from the corpus, showing progress."""
    from ingest.pipeline import ingest
    from loa.store import IndexStore

    if IndexStore.open(settings).active() is not None:
        return
    print(f"No index yet: building it from {settings.corpus_dir} (first start only, about a minute)...", flush=True)
    report = ingest(settings, progress=True, say=lambda msg: print(msg, flush=True))
    print(report.summary(), flush=True)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # ours at INFO; libraries (some set DEBUG) only from WARNING
        handler.addFilter(lambda record: record.levelno >= logging.WARNING or record.name.startswith("loa"))
    from loa.store import IndexUnavailable

    try:
        settings = Settings.from_env()
        ensure_index(settings)
        print("Loading the model and the index...", flush=True)
        from bot.assistant import Bot

        bot = Bot.from_defaults(settings)
    except (SettingsError, IndexUnavailable) as err:
        print(f"The assistant can't start: {err}", file=sys.stderr)
        return 2
    try:
        launch(build_app(bot, settings), settings)
    except OSError as err:
        print(f"The assistant can't listen on {settings.host}:{settings.port}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nStopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
