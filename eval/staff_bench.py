"""python -m eval.staff_bench: what the question log costs an answer, and how fast the staff view opens.

1. The latency of /ask (the app's own handler, in this process) over the dev questions with the
   question log on and off, each question asked both ways in alternating order, p50 and p95 of each:
   the log must add at most 2 ms to p95.
2. The staff area's "What families asked" for 10,000 logged questions (made-up, with real embeddings
   of a few hundred dev questions repeated): the time to read, cluster and lay out everything. Target 3 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from loa.settings import Settings, configure_offline


def _p(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def logging_overhead(bot, questions: list[str], db_url: str, rounds: int) -> dict[str, float]:  # noqa: ANN001
    from feedback.db import Database
    from feedback.questions import QuestionLog
    from ui.api import make_ask

    log = QuestionLog(Database.open(db_url), bot.retriever.embed_query)
    with_log, without_log = make_ask(bot, 2000, log), make_ask(bot, 2000, None)
    for q in questions[:20]:
        with_log(q)  # warm: every question once, so neither side pays a first embedding
    on, off = [], []
    for _ in range(rounds):
        for i, q in enumerate(questions):  # which goes first alternates: the first pays the question's embedding
            pair = ((with_log, on), (without_log, off))
            for ask, times in pair if i % 2 else pair[::-1]:
                started = time.perf_counter()
                ask(q)
                times.append((time.perf_counter() - started) * 1000)
    log.flush()
    return {"on_p50": _p(on, 50), "on_p95": _p(on, 95), "off_p50": _p(off, 50), "off_p95": _p(off, 95)}


def staff_view(bot, questions: list[str], db_url: str, n: int) -> dict[str, float]:  # noqa: ANN001
    from types import SimpleNamespace

    from feedback.db import Database
    from feedback.questions import Asked, QuestionLog
    from feedback.store import FeedbackStore
    from ui.insights import Insights

    log = QuestionLog(Database.open(db_url), bot.retriever.embed_query)
    vectors = {q: bot.retriever.embed_query(q) for q in questions}
    outcomes = ["answered"] * 6 + ["declined", "partly", "reply", "answered"]
    sections = sorted({p.section for p in bot.retriever.passages.values()})
    rng = random.Random(0)
    rows = []
    now = datetime.now(UTC)
    for i in range(n):
        q = questions[i % len(questions)]
        at = now - timedelta(minutes=rng.randint(0, 60 * 24 * 80))
        answer = SimpleNamespace(route="answer", outcome=rng.choice(outcomes), citations=[], latency_ms=20.0)
        asked = Asked.of(q, answer, "app")
        rows.append((Asked(asked.id, q, "app", "answer", "", "", answer.outcome, (rng.choice(sections),), 20.0, at), q))
    from sqlalchemy import insert

    from feedback.schema import questions as table

    with log.db.engine.begin() as conn:
        conn.execute(
            insert(table),
            [
                {
                    "id": a.id,
                    "created_at": a.at.isoformat(timespec="seconds"),
                    "question": q,
                    "channel": "app",
                    "route": "answer",
                    "intent": "",
                    "service": "",
                    "outcome": a.outcome,
                    "sections": f'["{a.sections[0]}"]',
                    "latency_ms": 20.0,
                    "vector": vectors[q].tobytes(),
                }
                for a, q in rows
            ],
        )
    view = Insights(log, FeedbackStore(db_url), sections, None)
    request = SimpleNamespace(username="bench")
    started = time.perf_counter()
    shown = view.show(90, request)
    seconds = time.perf_counter() - started
    return {"questions": float(log.count()), "seconds": seconds, "topics": float(len(shown[1]))}


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    parser = argparse.ArgumentParser(prog="python -m eval.staff_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="passes over the dev questions for the latency")
    parser.add_argument("--questions", type=int, default=10_000, help="logged questions for the staff view")
    args = parser.parse_args(argv)
    from bot.assistant import Bot
    from eval.qa import DEV_FILE, load_qa

    bot = Bot.from_defaults(Settings.from_env())
    questions = [i.question for i in load_qa(DEV_FILE)[0]]
    with tempfile.TemporaryDirectory() as tmp:
        latency = logging_overhead(bot, questions, f"sqlite:///{Path(tmp) / 'log.sqlite3'}", args.rounds)
        print(
            f"warm /ask latency, question log on:  p50 {latency['on_p50']:.1f} ms  p95 {latency['on_p95']:.1f} ms\n"
            f"warm /ask latency, question log off: p50 {latency['off_p50']:.1f} ms  p95 {latency['off_p95']:.1f} ms\n"
            f"the log adds {latency['on_p95'] - latency['off_p95']:+.1f} ms to p95 (target at most 2 ms)"
        )
        view = staff_view(bot, questions, f"sqlite:///{Path(tmp) / 'view.sqlite3'}", args.questions)
        print(
            f"staff view for {view['questions']:.0f} logged questions: {view['seconds']:.2f} s, "
            f"{view['topics']:.0f} topics (target at most 3 s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
