"""Matching a question to a service: by name, by distinctive words, by meaning."""

from __future__ import annotations

import numpy as np

from bot.understand.services import MatchSettings, ServiceMatcher
from loa.services import Service

LIS = "Learning Inclusion Service"


def services() -> list[Service]:
    return [
        Service(
            "deaf and hearing impaired",
            "Deaf and Hearing Impaired Team (DAHIT)",
            ["Deaf and Hearing Impaired Team", "DAHIT"],
            LIS,
            sections={"overview": ["d"]},
        ),
        Service(
            "special educational needs and inclusion",
            "SENIT",
            ["Special Educational Needs and Inclusion Team", "SENIT"],
            LIS,
            sections={"overview": ["s"]},
        ),
        Service(
            "early years special educational needs and inclusion",
            "EY SENIT",
            ["EY SENIT", "Early Years SENIT"],
            LIS,
            sections={"overview": ["e"]},
        ),
        Service("learning inclusion", LIS, [LIS], sections={"overview": ["l"]}),
    ]


def matcher(**settings: float) -> ServiceMatcher:
    vectors = np.eye(4, dtype=np.float32)
    return ServiceMatcher(services(), vectors, MatchSettings(**settings), texts={"d": "deaf hearing children"})


def test_names_and_acronyms_match_the_more_specific_service_first() -> None:
    m = matcher()
    assert [s.service.key for s in m.by_name("what does dahit do?")] == ["deaf and hearing impaired"]
    assert [s.service.key for s in m.by_name("email for the Early Years SENIT?")] == [
        "early years special educational needs and inclusion"
    ]
    named = m.by_name("the Deaf and Hearing Impaired Team in the Learning Inclusion Service")
    assert [s.service.key for s in named] == ["deaf and hearing impaired"]  # the team, not the service it is in
    assert m.by_name("what is senit?")  # long acronyms match in lower case


def test_a_lay_description_matches_by_distinctive_words() -> None:
    found = matcher().match("who helps deaf kids at school?", None)
    assert [s.service.key for s in found] == ["deaf and hearing impaired"] and found[0].by == "words"


def test_meaning_must_be_clear_of_the_runner_up() -> None:
    m = matcher(min_dense=0.5, min_margin=0.1)
    assert m.by_meaning(np.array([0.9, 0.1, 0.0, 0.0], dtype=np.float32)).service.key == "deaf and hearing impaired"
    assert m.by_meaning(np.array([0.6, 0.55, 0.0, 0.0], dtype=np.float32)) is None
    assert m.by_meaning(np.array([0.3, 0.0, 0.0, 0.0], dtype=np.float32)) is None


def test_no_directory_means_no_match() -> None:
    empty = ServiceMatcher.from_collection(None, {})
    assert empty.match("what does dahit do?", np.ones(4, dtype=np.float32)) == []
