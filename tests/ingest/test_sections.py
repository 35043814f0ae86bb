"""Every chunk knows its team; headings are found by shape and the curated list."""

from __future__ import annotations

import pytest

from ingest.chunk import clean_document
from ingest.manifest import load_manifest
from ingest.sections import heading_level
from tests.conftest import CORPUS

INFOS = {info.file: info for info in load_manifest(CORPUS)[0]}

TEAMS = {
    "learning-inclusion-service.txt": [
        "Educational Psychology",
        "SENIT",
        "EY SENIT",
        "Portage",
        "Inclusion Support Worker team",
        "DAHIT",
        "Visual Impairment Team",
        "SENSAP",
        "Funding For Inclusion",
        "Children Missing Out on Education",
        "Elective Home Education",
        "Attendance Service",
        "School Exclusions",
        "Pupil Tuition Team",
        "Medical Needs Teaching Service",
        "Virtual School",
        "Dyslexia",
    ],
    "learning-access-service.txt": [
        "Children Missing Education Team",
        "Elective Home Education Team",
        "Medical Needs Teaching Service",
        "Pupil Tuition Team",
        "School Attendance Team",
        "School Exclusions Team",
    ],
}


def chunks(name: str):
    info = INFOS[name]
    return clean_document(info, (CORPUS / name).read_text(encoding="utf-8"), 160, 20).chunks


@pytest.mark.parametrize("name", sorted(TEAMS))
def test_every_team_chunk_names_its_team(name: str) -> None:
    found = set()
    for chunk in chunks(name):
        assert chunk.section.startswith(INFOS[name].title)
        if chunk.team:  # the page's own introduction sits before any team
            matches = [team for team in TEAMS[name] if team in chunk.team]
            assert matches, f"chunk under {chunk.section!r} names no known team"
            found.update(matches)
    assert found == set(TEAMS[name]), f"teams without chunks: {set(TEAMS[name]) - found}"


def test_section_paths_follow_the_page() -> None:
    sections = {c.section for c in chunks("learning-inclusion-service.txt")}
    assert "Learning Inclusion Service › Portage › How are requests made to the Portage Service?" in sections
    assert any("(SENSAP) › What we offer" in s for s in sections), "SENSAP's lost heading is recovered"
    assert "Learning Inclusion Service › Pupil Tuition Team › Referral process" in sections
    assert not any("Would you like" in s for s in sections), "rhetorical questions are not headings"


def test_policy_topics_are_sections() -> None:
    teams = {c.team for c in chunks("send-policies.txt")}
    for topic in ("Care Act 2014", "Deprivation of Liberty Safeguards", "SEND Inspection", "Future in Minds Strategy"):
        assert topic in teams


def test_offsets_point_into_the_cleaned_text() -> None:
    info = INFOS["mainstream-school-offer.txt"]
    doc = clean_document(info, (CORPUS / info.file).read_text(encoding="utf-8"), 160, 20)
    assert all(doc.text[c.start : c.end] == c.text for c in doc.chunks)
    assert any(c.section.endswith("› Budget") for c in doc.chunks)


@pytest.mark.parametrize("size", [64, 96, 128, 160, 200, 256])
def test_chunk_ids_are_unique_at_every_size(size: int) -> None:
    """The draft strategy repeats whole sentences under one heading; ids must still differ."""
    ids = [
        c.id
        for name, info in INFOS.items()
        for c in clean_document(info, (CORPUS / name).read_text(encoding="utf-8"), size, 20).chunks
    ]
    assert len(ids) == len(set(ids))


def test_chunk_ids_are_stable_and_unique() -> None:
    first, second = chunks("learning-access-service.txt"), chunks("learning-access-service.txt")
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)


@pytest.mark.parametrize(
    "line, level",
    [
        ("What we offer", 2),
        ("Pupil Tuition Team", 1),
        ("Care Act 2014", 1),
        ("Referral process", 2),
        ("How are requests made to the Portage Service?", 2),
        ("Email: SEND@leeds.gov.uk", None),
        ("One minute guide: Portage (leeds.gov.uk)", None),
        ("Get in touch for an informal initial discussion about how we can help you.", None),
        ("click here for more information about the plan", None),
        ("Designated Teacher Visits – a restorative support/challenge framework", None),
    ],
)
def test_heading_level(line: str, level: int | None) -> None:
    assert heading_level(line) == level
