"""The question log on both backends: written after the reply, redacted, purged, and read back for staff."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer import Answer, Citation
from bot.privacy import find_personal
from feedback.db import Database
from feedback.questions import Asked, QuestionLog
from loa.settings import Settings


def fake_embed(text: str) -> np.ndarray:
    v = np.zeros(8, np.float32)
    v[len(text) % 8] = 1.0
    return v


def answer(**changes: object) -> Answer:
    citation = Citation(1, "d.txt", "Doc", "published", "Published", "Doc › Portage", "text", "c1", 0, 4)
    base = Answer("q", "Portage is ...", citations=[citation], route="answer", intent="does", service="Portage")
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_questions_are_logged_with_how_they_were_answered(database_url: str) -> None:
    log = QuestionLog(Database.open(database_url), fake_embed)
    log.record(Asked.of("what is portage? call me on 07700 900123", answer(latency_ms=12.3), "app"))
    log.record(Asked.of("how do i renew my passport", answer(refused=True, route="out_of_scope"), "api"))
    log.record(Asked.of("how do they help?", answer(notes=["half-answered"]), "api"))
    log.record(Asked.of("hello", answer(route="chitchat"), "app"))
    log.flush()
    rows = log.since(7)
    assert [r["outcome"] for r in rows] == ["answered", "declined", "partly", "reply"]
    first = rows[0]
    assert "07700" not in first["question"] and "[phone number]" in first["question"]
    assert first["intent"] == "does" and first["service"] == "Portage" and first["channel"] == "app"
    assert json.loads(first["sections"]) == ["Doc › Portage"] and first["latency_ms"] == 12.3
    assert np.frombuffer(first["vector"], np.float32).shape == (8,)
    assert log.count() == 4


def test_old_questions_are_purged(database_url: str) -> None:
    log = QuestionLog(Database.open(database_url), None, days=90)
    old = datetime.now(UTC) - timedelta(days=91)
    log.write(Asked("a" * 32, "an old question", "app", "answer", "", "", "answered", (), 1.0, at=old))
    log.write(Asked("b" * 32, "a new question", "app", "answer", "", "", "answered", (), 1.0))
    assert log.purge() == 1
    assert [r["question"] for r in log.since(365)] == ["a new question"]


def test_the_log_can_be_switched_off(tmp_path) -> None:  # noqa: ANN001
    assert QuestionLog.from_settings(Settings(feedback_db=tmp_path / "x.sqlite3", question_log=False)) is None
    assert Settings.from_env({"LOA_QUESTION_LOG": "off"}).question_log is False
    assert Settings.from_env({"LOA_LOG_DAYS": "30"}).log_days == 30


# UK numbers, 11 digits however they are spaced: 0113 496 0000, 07700 900123, 020 7946 0000
SHAPES = {"113": (3, 4), "7700": (6,), "20": (4, 4)}  # the digits after the area code, in groups
PHONES = st.builds(
    lambda area, n, sep: sep.join([f"0{area}", *_groups(f"{n:08d}", SHAPES[area])]),
    st.sampled_from(sorted(SHAPES)),
    st.integers(0, 10**8 - 1),
    st.sampled_from([" ", "", "-"]),
)


def _groups(digits: str, sizes: tuple[int, ...]) -> list[str]:
    out, at = [], 0
    for size in sizes:
        out.append(digits[at : at + size])
        at += size
    return out


EMAILS = st.builds(lambda n: f"{n}@example.co.uk", st.from_regex(r"[a-z]{3,8}", fullmatch=True))
POSTCODES = st.builds(
    lambda d, n, x: f"LS{d} {n}{x}", st.integers(1, 29), st.integers(1, 9), st.sampled_from(["AB", "QT"])
)
NHS = st.builds(lambda a, b, c: f"{a} {b} {c}", st.integers(100, 999), st.integers(100, 999), st.integers(1000, 9999))


def test_no_personal_details_reach_the_log(tmp_path) -> None:  # noqa: ANN001
    log = QuestionLog(Database.open(f"sqlite:///{tmp_path / 'log.sqlite3'}"), None)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(phone=PHONES, email=EMAILS, postcode=POSTCODES, nhs=NHS, words=st.text(max_size=40))
    def check(phone: str, email: str, postcode: str, nhs: str, words: str) -> None:
        message = f"{words} my son is 2, call {phone} or {email}, we live at {postcode}, nhs number {nhs}"
        asked = Asked.of(message, SimpleNamespace(route="answer", outcome="answered", citations=[]), "api")
        log.write(asked)
        stored = [r["question"] for r in log.since(1) if r["id"] == asked.id][0]
        kinds = {kind for kind, _ in find_personal(stored)}
        assert not kinds & {"phone number", "email", "postcode", "NHS number"}, stored
        digits = re.sub(r"\D", "", stored)
        assert email not in stored and re.sub(r"\D", "", phone) not in digits and re.sub(r"\D", "", nhs) not in digits

    check()
