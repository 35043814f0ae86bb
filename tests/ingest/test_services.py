"""The service directory built at ingest from the section structure."""

from __future__ import annotations

from ingest.services import build_directory, fold, heading_names, section_kind
from loa.services import Service

LIS = "Learning Inclusion Service"


def chunk(section: str, team: str, text: str, start: int, doc: str = "lis.txt") -> tuple[dict, str]:
    return {"doc": doc, "section": section, "team": team, "start": start, "comments": ""}, text


def test_heading_names_give_the_long_name_and_the_acronym() -> None:
    assert heading_names("DAHIT ( Deaf and Hearing Impaired Team)") == (
        "Deaf and Hearing Impaired Team (DAHIT)",
        ["Deaf and Hearing Impaired Team", "DAHIT"],
    )
    name, names = heading_names("EY SENIT (Early Years Special Educational Needs and Inclusion Team)")
    assert "Early Years SENIT" in names and name.endswith("(EY SENIT)")
    assert heading_names("Portage") == ("Portage", ["Portage"])
    assert heading_names("Guidelines (Dyslexia)")[1] == ["Guidelines (Dyslexia)"]  # not an acronym


def test_sub_headings_map_to_kinds() -> None:
    team = "Pupil Tuition Team"
    assert section_kind(f"{LIS} › {team} › Referral process", team) == "request"
    assert section_kind(f"{LIS} › Portage › Contact Details", "Portage") == "contact"
    assert section_kind(f"{LIS} › {team} › What people say", team) == "views"
    assert section_kind(f"{LIS} › {team}", team) == "overview"
    assert fold("The Pupil Tuition Team") == fold("Pupil Tuition Service") == "pupil tuition"


def test_one_record_per_service_with_contacts_ages_and_both_pages() -> None:
    chunks = [
        chunk(f"{LIS} › Portage", "Portage", "Portage is a home visiting service for young children ( 0-3).", 0),
        chunk(f"{LIS} › Portage › Contact Details", "Portage", "Email: portage@leeds.gov.uk\nPhone: 0113 1234567", 50),
        chunk(f"{LIS} › Pupil Tuition Team › What we offer", "Pupil Tuition Team", "Tuition for pupils.", 90),
        chunk(
            "Learning Access Service › Pupil Tuition Service › Who we are",
            "Pupil Tuition Service",
            "We teach.",
            0,
            "las.txt",
        ),
        chunk("SEND Policies › Care Act 2014", "Care Act 2014", "The Care Act.", 0, "policies.txt"),
    ]
    directory = {s.key: s for s in build_directory(chunks)}
    assert set(directory) == {"portage", "pupil tuition"}  # a policy page is not a service
    portage = directory["portage"]
    assert portage.parent == LIS
    assert portage.contacts == ["Email: portage@leeds.gov.uk", "Phone: 0113 1234567"]
    assert portage.ages and "0-3" in portage.ages[0]
    assert portage.sections["contact"] == [f"{LIS} › Portage › Contact Details"]
    tuition = directory["pupil tuition"]
    assert sorted(tuition.docs) == ["las.txt", "lis.txt"]
    assert Service.from_json(tuition.to_json()) == tuition
    assert "Pupil Tuition Team" in tuition.describe()


def test_the_real_directory_knows_the_teams(real_settings) -> None:  # noqa: ANN001
    from ingest.__main__ import print_services
    from loa.store import IndexStore

    store = IndexStore.open(real_settings)
    collection = store.services_collection(store.serving_collection()[1])
    got = collection.get(include=["metadatas"])
    services = {Service.from_json(m["record"]).key: Service.from_json(m["record"]) for m in got["metadatas"]}
    assert "deaf and hearing impaired" in services and "DAHIT" in services["deaf and hearing impaired"].names
    assert services["virtual school"].contacts == ["Email: virtualschool@leeds.gov.uk"]
    assert not services["deaf and hearing impaired"].contacts  # the documents give none: nothing invented
    assert len(services) >= 15
    print_services(real_settings)  # what staff read; must not raise
