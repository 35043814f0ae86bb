"""The families' page: one chat, its examples and feedback, and ``/ask`` for programs.

Laid out for a phone first: a one-line introduction, the question box and the Ask button are on
the first screen; the examples follow, then what the service is and the privacy note in full,
folded away. The conversation appears above the question box from the first question.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from feedback.questions import QuestionLog
from feedback.store import FeedbackStore
from ui import texts
from ui.api import make_ask
from ui.chat import ChatHandlers

BOT_CONCURRENCY = 2  # answers computed at once; the rest wait in the queue
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


def build_family(
    bot: Any, max_input_chars: int, store: FeedbackStore, questions: QuestionLog | None = None
) -> gr.Blocks:
    """The families' page around one loaded bot; ``questions`` logs what is asked (None: nothing is kept)."""
    chat = ChatHandlers(bot, max_input_chars, store, questions)
    with gr.Blocks(title=texts.TITLE, analytics_enabled=False) as page:
        turns = gr.State([])
        target = gr.State(None)  # the message index whose thumbs a comment belongs to
        gr.Markdown(f'<a class="loa-skip" href="#loa-question">{texts.SKIP_LINK}</a>', padding=False)
        gr.Markdown(texts.HEADLINE, elem_id="loa-headline")
        with gr.Column(visible=False) as conversation:  # shown from the first question
            chatbot = gr.Chatbot(
                label="Conversation",
                show_label=False,  # a floating label would cover the messages; the log has its own aria-label
                elem_id="loa-chat",
                height="65vh",
                min_height=320,
                autoscroll=False,  # ui/head.html scrolls a new question to the top instead
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
            status = gr.Markdown("", elem_id="loa-feedback-status")
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
        with gr.Row(elem_id="loa-actions"):
            ask = gr.Button("Ask", variant="primary", elem_id="loa-ask")
            clear = gr.Button("Start again", variant="secondary")
        with gr.Column(elem_classes="loa-examples") as examples:
            gr.Markdown("Try a question families ask:", elem_classes="loa-examples-title")
            with gr.Row():
                family = [gr.Button(q, size="md", min_width=200) for q in texts.FAMILY_EXAMPLES]
            gr.Markdown("Try a question staff ask:", elem_classes="loa-examples-title")
            with gr.Row():
                staff = [gr.Button(q, size="md", min_width=200) for q in texts.STAFF_EXAMPLES]
        gr.Markdown(texts.ABOUT, elem_id="loa-about")

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
        gr.api(make_ask(bot, max_input_chars, questions), api_name="ask", **BOT)
    return page


def events(page: gr.Blocks) -> dict[int, int]:
    """The page's events by fn index, with the number of values each takes (ui/surface.py checks calls)."""
    return {index: len(fn.inputs) for index, fn in page.fns.items()}
