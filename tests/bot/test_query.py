"""Query understanding: the glossary derived from the corpus, and the expansions families' words get."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.query import QueryExpander, derive_glossary, load_phrases
from loa.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def corpus_glossary() -> dict[str, str]:
    return derive_glossary(p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "corpus").glob("*.txt")))


@pytest.fixture(scope="module")
def expander(corpus_glossary: dict[str, str]) -> QueryExpander:
    return QueryExpander(corpus_glossary)


# -- derive_glossary: the patterns the corpus uses --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "acronym", "long_form"),
    [
        # long form first, acronym in brackets
        (
            "Talk to the Special Educational Needs Coordinator (SENCo) in school.",
            "SENCo",
            "Special Educational Needs Coordinator",
        ),
        # acronym first, long form in brackets (mainstream school offer)
        (
            "There will be effective leadership at all levels, including the SENCo (Special Educational Needs "
            "Coordinator)",
            "SENCo",
            "Special Educational Needs Coordinator",
        ),
        (
            "provision for children and young people (CYP) in Leeds with a profile of Dyslexia.",
            "CYP",
            "children and young people",
        ),
        # a heading with a stray space inside the bracket
        ("DAHIT ( Deaf and Hearing Impaired Team)", "DAHIT", "Deaf and Hearing Impaired Team"),
        (
            "An Individual Healthcare Plan (known as an IHP) is a shared plan that is written in collaboration.",
            "IHP",
            "Individual Healthcare Plan",
        ),
        # the dash form
        (
            "We are a team of specialist staff, including teachers (QToD – qualified teachers of the deaf), "
            "communication support workers (CSW) and deaf instructors (DI).",
            "QToD",
            "qualified teachers of the deaf",
        ),
    ],
)
def test_derive_glossary_patterns(text: str, acronym: str, long_form: str) -> None:
    assert derive_glossary([text])[acronym] == long_form


def test_dash_form_also_finds_the_other_acronyms_in_the_sentence() -> None:
    glossary = derive_glossary(
        ["including teachers (QToD – qualified teachers of the deaf), communication support workers (CSW) and more"]
    )
    assert glossary == {"QToD": "qualified teachers of the deaf", "CSW": "communication support workers"}


@pytest.mark.parametrize("order", [1, -1])
def test_capitalised_long_form_is_preferred(order: int) -> None:
    """'Elective home education team (EHE)' and 'The Elective Home Education (EHE) team': the capitalised one wins,
    whichever comes first."""
    texts = ["  • Elective home education team (EHE)", "The Elective Home Education (EHE) team provides:"][::order]
    assert derive_glossary(texts)["EHE"] == "Elective Home Education"


@pytest.mark.parametrize(
    "text",
    [
        "families of young children ( 0-3) with special educational needs",  # not an acronym
        "Ofsted rated the school Good (the regulator)",  # no acronym at all
        "the SENCo (SEN Coordinator) in the setting",  # the bracket does not spell the acronym out
        "Leeds (UK) is a city",  # no long form before it
    ],
)
def test_derive_glossary_ignores_what_is_not_a_definition(text: str) -> None:
    assert derive_glossary([text]) == {}


def test_derive_glossary_of_nothing() -> None:
    assert derive_glossary([]) == {}
    assert derive_glossary(["", "   "]) == {}


def test_corpus_glossary(corpus_glossary: dict[str, str]) -> None:
    assert corpus_glossary["SENCo"] == "Special Educational Needs Coordinator"
    assert corpus_glossary["CYP"] == "children and young people"
    assert corpus_glossary["DAHIT"].startswith("Deaf and Hearing Impair")
    assert corpus_glossary["IHP"] == "Individual Healthcare Plan"
    assert corpus_glossary["QToD"] == "qualified teachers of the deaf"
    assert corpus_glossary["EHE"] == "Elective Home Education"
    assert corpus_glossary["PTT"] == "Pupil Tuition Team"
    assert corpus_glossary["VIT"] == "Visual Impairment Team"
    assert corpus_glossary["SEND"] == "Special Educational Needs and Disabilities"


def test_every_long_form_abbreviates_its_acronym(corpus_glossary: dict[str, str]) -> None:
    """Each expansion starts with the acronym's first letter and is a handful of words, not a sentence."""
    for acronym, long_form in corpus_glossary.items():
        assert long_form[0].lower() == acronym[0].lower(), (acronym, long_form)
        assert 2 <= len(long_form.split()) <= 10, (acronym, long_form)


# -- QueryExpander -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("who is the SENCo at my son's school?", "Special Educational Needs Coordinator"),
        ("does DAHIT visit nurseries?", "Deaf and Hearing Impair"),
        ("what does the dahit team do", "Deaf and Hearing Impair"),  # typed in lower case
        ("what is an IHP?", "Individual Healthcare Plan"),
        ("how do I tell the EHE team we're home educating?", "Elective Home Education"),
        ("how many hours does PTT give?", "Pupil Tuition Team"),
    ],
)
def test_acronyms_get_their_long_forms(expander: QueryExpander, question: str, expected: str) -> None:
    expanded = expander.expand(question)
    assert expanded.startswith(question)
    assert expected in expanded


@pytest.mark.parametrize(
    ("question", "acronym"),
    [
        ("how do I speak to the special educational needs coordinator?", "SENCo"),
        ("what is an Individual Healthcare Plan", "IHP"),
        ("can the pupil tuition team help my daughter", "PTT"),
        ("what does the Visual Impairment Team do?", "VIT"),
        ("we want to do elective home education", "EHE"),
    ],
)
def test_long_forms_get_their_acronyms(expander: QueryExpander, question: str, acronym: str) -> None:
    assert acronym in expander.expand(question).split()


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("my son is 2 and not talking, can someone visit us?", ["speech", "Portage"]),
        ("my daughter isn't talking yet", ["speech", "Portage"]),
        ("he got kicked out of school last week, what happens now", ["exclusion"]),
        ("she keeps getting sent home early", ["exclusion", "suspension"]),
        ("we want to homeschool him", ["elective home education"]),
        ("my son can't see the board", ["visual impairment"]),
        ("is there a tutor for kids who can't go to school", ["tuition", "Pupil Tuition Team"]),
    ],
)
def test_families_phrases_map_to_the_documents_words(expander: QueryExpander, question: str, words: list[str]) -> None:
    expanded = expander.expand(question)
    for word in words:
        assert word in expanded


def test_phrases_match_ignoring_case(expander: QueryExpander) -> None:
    assert "Portage" in expander.expand("He Is NOT TALKING at all")


def test_phrases_match_whole_words_only() -> None:
    expander = QueryExpander({}, phrases={"baby": "early years", "tutor": "tuition"})
    assert expander.expand("does the babysitter count as childcare?") == "does the babysitter count as childcare?"
    assert expander.expand("is a tutoring service available") == "is a tutoring service available"
    assert "early years" in expander.expand("my baby has a hearing loss")


def test_question_without_anything_to_expand_is_unchanged(expander: QueryExpander) -> None:
    assert expander.expansions("where can I find the Local Offer?") == []
    assert expander.expand("where can I find the Local Offer?") == "where can I find the Local Offer?"


def test_two_letter_acronyms_only_in_capitals() -> None:
    """'di' in lower case is a typo or a word; 'DI' is the acronym."""
    expander = QueryExpander({"DI": "deaf instructors"}, phrases={})
    assert expander.expansions("what does a DI do") == ["deaf instructors"]
    assert expander.expansions("di you know") == []


def test_custom_phrases_and_glossary_together() -> None:
    expander = QueryExpander({"SENCo": "Special Educational Needs Coordinator"}, phrases={"kicked out": "exclusion"})
    expanded = expander.expand("the SENCo said he could be kicked out")
    assert "Special Educational Needs Coordinator" in expanded and "exclusion" in expanded


def test_phrase_file_loads_lower_case_keys() -> None:
    phrases = load_phrases()
    assert phrases["not talking"].endswith("Portage")
    assert "exclusion" in phrases["kicked out"]
    assert all(key == key.lower() for key in phrases)


def test_phrase_file_path_argument(tmp_path: Path) -> None:
    path = tmp_path / "phrases.toml"
    path.write_text('[phrases]\n"Won\'t Eat" = "feeding eating"\n', encoding="utf-8")
    assert load_phrases(path) == {"won't eat": "feeding eating"}
