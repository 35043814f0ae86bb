"""The understand stage: intent and service, carried across a follow-up, and the rerank it steers."""

from __future__ import annotations

import numpy as np

from bot.answer import Passage
from bot.understand.intent import Intent
from bot.understand.services import ServiceMatcher
from bot.understand.stage import Understand
from loa.services import Service

TEAM = "LIS › Portage"


class FixedIntent:
    def classify(self, text: str, vector=None) -> Intent:  # noqa: ANN001
        return Intent("contact" if "email" in text else "does", 0.9)


def passage(pid: str, section: str, dense: float = 0.5) -> Passage:
    return Passage(pid, "text", "d.txt", "Doc", "published", "published", section, "", 0, 1, dense=dense)


def stage() -> Understand:
    portage = Service(
        "portage", "Portage", ["Portage"], "LIS", sections={"overview": [TEAM], "contact": [f"{TEAM} › Contact"]}
    )
    other = Service(
        "virtual", "Virtual School", ["Virtual School"], "LIS", sections={"overview": ["LIS › Virtual School"]}
    )
    return Understand(ServiceMatcher([portage, other], np.eye(2, dtype=np.float32)), FixedIntent())


def test_a_follow_up_keeps_the_service_the_last_answer_named() -> None:
    history = [
        {"role": "user", "content": "who visits babies at home?"},
        {"role": "assistant", "content": "Portage does."},
    ]
    understood = stage().run(
        "and their email?", "who visits babies at home? and their email?", np.zeros(2), None, history
    )
    assert understood.service.key == "portage" and understood.carried
    assert understood.intent.label == "contact" and understood.wants_contact


def test_the_named_service_leads_and_its_missing_contact_section_is_added() -> None:
    s = stage()
    understood = s.run("email for portage?", "email for portage?", np.zeros(2))
    retrieved = [passage("a", "LIS › Virtual School", 0.7), passage("b", TEAM, 0.5)]
    everything = {p.id: p for p in [*retrieved, passage("c", f"{TEAM} › Contact", 0.1)]}
    ranked = s.rerank(retrieved, understood, everything, {"a": 0.7, "b": 0.5, "c": 0.1})
    assert [p.id for p in ranked] == ["b", "c", "a"]


def test_no_service_leaves_retrieval_alone() -> None:
    s = stage()
    understood = s.run("what is the strategy?", "what is the strategy?", np.array([0.1, 0.1], dtype=np.float32))
    retrieved = [passage("a", "Strategy")]
    assert understood.service is None and s.rerank(retrieved, understood, {"a": retrieved[0]}, {}) == retrieved
