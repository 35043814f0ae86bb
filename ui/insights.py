"""The staff area's "What families asked" tab: topics, content gaps, unhelpful answers, sections cited.

Read from the question log and feedback for a chosen period (feedback/insights.py), with charts from
Gradio's plot components and a CSV download for each table (carried in the page, no file written).
Every handler checks the request's signed-in user again.
"""

from __future__ import annotations

import base64
import csv
import io
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import gradio as gr
import pandas as pd

from feedback import insights
from feedback.questions import QuestionLog
from feedback.store import FeedbackStore
from ui import texts
from ui.wording import signed_in

log = logging.getLogger("loa.app")
PERIODS = [("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90)]


def _csv_link(name: str, headers: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    data = base64.b64encode(out.getvalue().encode("utf-8")).decode("ascii")
    href = f"data:text/csv;charset=utf-8;base64,{data}"
    return f'<a class="loa-download" download="{name}.csv" href="{href}">{name}.csv</a>'


class Insights:
    def __init__(
        self, questions: QuestionLog | None, store: FeedbackStore, sections: list[str], on_export: Callable | None
    ) -> None:
        self.questions = questions
        self.store = store
        self.sections = sections
        self.on_export = on_export

    def show(self, days: int, request: gr.Request | None = None) -> tuple:
        """(summary, topics table, topics chart, trend chart, gaps table, unhelpful table, sections table,
        never-cited list, downloads)."""
        empty = pd.DataFrame()
        if not signed_in(request):
            return (texts.WORDING_LOCKED, empty, empty, empty, empty, empty, empty, "", "")
        if self.questions is None:
            return (texts.INSIGHTS_OFF, empty, empty, empty, empty, empty, empty, "", "")
        try:
            rows = self.questions.since(int(days))
            feedback = self.store.rows() if self.store.path is None or self.store.path.exists() else []
        except Exception as err:  # DatabaseError, FeedbackError: a clear message, never a traceback
            log.warning("the staff view could not be read: %s", err)
            return (texts.ERROR, empty, empty, empty, empty, empty, empty, "", "")
        found = insights.topics(rows)
        since = (datetime.now(UTC) - timedelta(days=int(days))).isoformat(timespec="seconds")
        down = insights.unhelpful(feedback, since)
        cited, never = insights.sections_cited(rows, self.sections)
        return self._render(int(days), rows, found, down, cited, never, request)

    def _render(self, days, rows, found, down, cited, never, request) -> tuple:  # noqa: ANN001
        outcomes = pd.Series([r["outcome"] for r in rows]).value_counts().to_dict() if rows else {}
        summary = (
            f"**{len(rows)} questions** in the last {days} days: {outcomes.get('answered', 0)} answered, "
            f"{outcomes.get('partly', 0)} partly answered, {outcomes.get('declined', 0)} declined, "
            f"{outcomes.get('reply', 0)} greetings or unclear messages, {outcomes.get('crisis', 0)} crisis messages."
            if rows
            else texts.INSIGHTS_EMPTY
        )
        topic_rows = [[t.label, t.size, t.declined, t.partly, t.section] for t in found]
        topic_cols = ["Topic", "Questions", "Declined", "Partly answered", "Most-cited section"]
        trend = [{"week": w, "topic": t.label, "questions": n} for t in found[:6] for w, n in sorted(t.weeks.items())]
        gap_rows = [[t.label, t.declined, t.partly, " / ".join(t.examples)] for t in insights.gaps(found)]
        gap_cols = ["Topic", "Declined", "Partly answered", "Examples"]
        down_rows = [[r["created_at"], r["question"], r["answer"][:300], r["comment"]] for r in down]
        down_cols = ["When", "Question", "Answer (start)", "Comment"]
        section_rows = [[s, n] for s, n in cited]
        links = " · ".join(
            _csv_link(name, cols, table)
            for name, cols, table in (
                ("topics", topic_cols, topic_rows),
                ("content-gaps", gap_cols, gap_rows),
                ("unhelpful-answers", down_cols, down_rows),
                ("sections-cited", ["Section", "Times cited"], section_rows),
                ("sections-never-cited", ["Section"], [[s] for s in never]),
            )
        )
        if self.on_export is not None and rows:
            self.on_export(getattr(request, "username", ""))
        return (
            summary,
            pd.DataFrame(topic_rows, columns=topic_cols),
            pd.DataFrame(topic_rows, columns=topic_cols)[["Topic", "Questions"]],
            pd.DataFrame(trend, columns=["week", "topic", "questions"]),
            pd.DataFrame(gap_rows, columns=gap_cols),
            pd.DataFrame(down_rows, columns=down_cols),
            pd.DataFrame(section_rows, columns=["Section", "Times cited"]),
            "\n".join(f"- {s}" for s in never) or "Every section has been cited.",
            f"Download: {links}",
        )


def build_insights(
    questions: QuestionLog | None, store: FeedbackStore, sections: list[str], on_export: Callable | None = None
) -> None:
    """The tab's components and events; call inside the staff area's Blocks."""
    view = Insights(questions, store, sections, on_export)
    gr.Markdown(texts.INSIGHTS_INTRO)
    with gr.Row():
        period = gr.Radio(PERIODS, value=30, label="Period", scale=3)
        show = gr.Button("Show", variant="primary", scale=1)
    summary = gr.Markdown("", elem_id="loa-insights-summary")
    downloads = gr.Markdown("", elem_id="loa-insights-downloads")
    gr.Markdown("#### Content gaps: questions the documents could not answer, or answered in part")
    gaps = gr.Dataframe(interactive=False, wrap=True, elem_id="loa-gaps", elem_classes="loa-table")
    gr.Markdown("#### Topics")
    with gr.Row():
        chart = gr.BarPlot(x="Topic", y="Questions", title="Questions by topic", height=300, sort="-y")
        trend = gr.LinePlot(x="week", y="questions", color="topic", title="Questions by week", height=300)
    topics = gr.Dataframe(interactive=False, wrap=True, elem_id="loa-topics", elem_classes="loa-table")
    gr.Markdown("#### Answers families marked unhelpful")
    unhelpful = gr.Dataframe(interactive=False, wrap=True, elem_classes="loa-table")
    gr.Markdown("#### Sections cited most")
    cited = gr.Dataframe(interactive=False, wrap=True, elem_classes="loa-table")
    with gr.Accordion("Sections never cited", open=False):
        never = gr.Markdown("")
    outputs = [summary, topics, chart, trend, gaps, unhelpful, cited, never, downloads]
    show.click(view.show, period, outputs, api_visibility="private")
