"""The extractive composer, on hand-built passages: no model, no index.

Sentence similarities (``unit_sims``) are given per passage as {position: cosine}, the way the retriever
hands them over, so each test decides which sentence matches the question best.
"""

from __future__ import annotations

import re

import pytest

from bot.answer import Passage
from bot.compose import ExtractiveComposer
from bot.wording import MESSAGES

LIS = "learning-inclusion-service.txt"
LAS = "learning-access-service.txt"
GLOSSARY = {
    "SENCo": "Special Educational Needs Coordinator",
    "SEND": "Special Educational Needs and Disabilities",
    "SENIT": "Special Educational Needs and Inclusion Team",
    "PTT": "Pupil Tuition Team",
}


def passage(
    id_: str,
    text: str,
    *,
    section: str = "Learning Inclusion Service › Portage",
    team: str = "Portage",
    doc: str = LIS,
    status: str = "published",
    dense: float = 0.5,
    start: int = 0,
) -> Passage:
    return Passage(
        id=id_,
        text=text,
        doc=doc,
        title="Learning Inclusion Service" if doc == LIS else "Learning Access Service",
        status=status,
        status_label="Published" if status == "published" else "Draft, 2021",
        section=section,
        team=team,
        start=start,
        end=start + len(text),
        dense=dense,
    )


PORTAGE = passage(
    "portage-what",
    "Portage is a pre-school home visiting teaching and support service for families of young children (0-3) with "
    "special educational needs and disability. Portage project workers work in partnership with parents to help them "
    "become teachers of their own child. The team also runs training days for early years practitioners across the "
    "city.",
)
REQUESTS = passage(
    "portage-requests",
    "Requests to the Portage service can be made in the following circumstances:\n"
    "• the child is aged between 0 and two and a half years of age\n"
    "• the child presents with 50% delay in two or more areas of development\n"
    "• the family are living in the Leeds local authority area.\n"
    "A member of the Portage team will contact parents and carers to inform them of the outcome of the request.",
    section="Learning Inclusion Service › Portage › How are requests made to the Portage Service?",
    start=600,
)
PORTAGE_CONTACT = passage(
    "portage-contact",
    "Contact\nEmail: SEND@leeds.gov.uk\nPhone: 0113 3782888",
    section="Learning Inclusion Service › Portage › Contact",
    start=1200,
)
EXCLUSIONS_OFFER = passage(
    "exclusions-offer",
    "• advice to schools and families about the exclusions process\n"
    "• an oversight of process at permanent exclusion governors' meetings\n"
    "• advice about independent review panels in the exclusion process\n"
    "• signposting to parents and carers and advice on exclusion processes",
    section="Learning Access Service › School Exclusions Team › What we offer",
    team="School Exclusions Team",
    doc=LAS,
    start=3000,
)
VIRTUAL_SCHOOL = passage(
    "virtual-school",
    "The Virtual School is a team that works to improve the educational outcomes of children looked after by Leeds "
    "City Council. The Virtual School works with schools, social workers and carers.",
    section="Learning Inclusion Service › Virtual School",
    team="Virtual School",
    start=9000,
)
ALL = {p.id: p for p in (PORTAGE, REQUESTS, PORTAGE_CONTACT, EXCLUSIONS_OFFER, VIRTUAL_SCHOOL)}


@pytest.fixture
def composer() -> ExtractiveComposer:
    return ExtractiveComposer(ALL, GLOSSARY)


def markers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


def assert_citations_consistent(composition, passages: list[Passage]) -> None:  # noqa: ANN001
    """Every [n] has a citation n, numbers run 1..k in order of first use, and only quoted passages are cited."""
    used = markers(composition.text)
    ns = [c.n for c in composition.citations]
    assert ns == list(range(1, len(ns) + 1))
    assert set(used) == set(ns)
    first_use = list(dict.fromkeys(used))
    assert first_use == sorted(first_use)
    by_id = {p.id: p for p in passages} | ALL
    for c in composition.citations:
        source = by_id[c.chunk_id]
        assert c.text == source.text and c.doc == source.doc and c.section == source.section
        # each sentence carrying [n] is quoted from citation n's passage
        for piece in composition.pieces:
            for sentence, n in re.findall(r"([^\[\]]+?) \[(\d+)\]", piece.removeprefix("- ")):
                sentence = re.sub(r"^Contact(?: for [^:]+)?:", "", sentence.strip()).strip()
                if int(n) == c.n:
                    assert sentence in " ".join(source.text.replace("• ", "").split()) or sentence in source.text


# -- the lead -------------------------------------------------------------------------------------


def test_lead_is_the_best_matching_sentence(composer: ExtractiveComposer) -> None:
    sims = [{0: 0.1, 1: 0.15, 2: 0.82}]
    out = composer.compose("do they train nursery staff?", "do they train nursery staff?", [PORTAGE], sims)
    assert out.pieces[0].startswith("The team also runs training days for early years practitioners")
    assert out.lead_similarity == pytest.approx(0.82)
    assert out.used[0] == (PORTAGE.id, 2)


def test_lead_follows_the_similarities(composer: ExtractiveComposer) -> None:
    question = "what is portage?"
    out = composer.compose(question, question, [PORTAGE], [{0: 0.85, 1: 0.1, 2: 0.1}])
    assert out.pieces[0].startswith("Portage is a pre-school home visiting teaching and support service")
    assert "training days" not in out.text  # a poor match far from the lead stays out
    assert len(out.citations) == 1


def test_sentences_are_quoted_whole(composer: ExtractiveComposer) -> None:
    out = composer.compose("what is portage?", "what is portage?", [PORTAGE], [{0: 0.8, 1: 0.7, 2: 0.1}])
    for sentence in re.split(r" \[\d+\] ?", out.pieces[0]):
        if sentence:
            assert sentence in PORTAGE.text


def test_nothing_to_compose_from(composer: ExtractiveComposer) -> None:
    out = composer.compose("what is portage?", "what is portage?", [], [])
    assert out.text == "" and out.pieces == [] and out.citations == []


# -- lists ----------------------------------------------------------------------------------------


def test_list_intro_brings_its_items_as_bullets(composer: ExtractiveComposer) -> None:
    question = "who can be referred to portage?"
    sims = [{0: 0.8, 1: 0.3, 2: 0.3, 3: 0.3, 4: 0.1}]
    out = composer.compose(question, question, [REQUESTS], sims)
    assert out.pieces[0].startswith("Requests to the Portage service can be made in the following circumstances: [1]")
    bullets = [p for p in out.pieces if p.startswith("- ")]
    assert bullets == [
        "- the child is aged between 0 and two and a half years of age [1]",
        "- the child presents with 50% delay in two or more areas of development [1]",
        "- the family are living in the Leeds local authority area. [1]",
    ]
    # the bullets sit together as one list in the text
    assert "\n- the child presents with 50% delay" in out.text


def test_a_chosen_list_item_brings_its_intro(composer: ExtractiveComposer) -> None:
    question = "what age does my child have to be for portage?"
    sims = [{0: 0.3, 1: 0.85, 2: 0.2, 3: 0.2, 4: 0.1}]
    out = composer.compose(question, question, [REQUESTS], sims)
    assert "in the following circumstances:" in out.pieces[0]
    assert "- the child is aged between 0 and two and a half years of age [1]" in out.pieces
    assert sum(p.startswith("- ") for p in out.pieces) == 3


def test_table_row_list_without_intro_keeps_all_its_items(composer: ExtractiveComposer) -> None:
    question = "do they advise about independent review panels?"
    sims = [{0: 0.2, 1: 0.2, 2: 0.9, 3: 0.2}]
    out = composer.compose(question, question, [EXCLUSIONS_OFFER], sims)
    assert out.pieces == [
        "- advice to schools and families about the exclusions process [1]",
        "- an oversight of process at permanent exclusion governors' meetings [1]",
        "- advice about independent review panels in the exclusion process [1]",
        "- signposting to parents and carers and advice on exclusion processes [1]",
    ]


# -- citations ------------------------------------------------------------------------------------


def test_citations_numbered_in_order_of_first_use(composer: ExtractiveComposer) -> None:
    question = "what is portage and who can get it?"
    passages = [REQUESTS, PORTAGE, VIRTUAL_SCHOOL]
    sims = [{0: 0.8, 1: 0.4, 2: 0.4, 3: 0.4, 4: 0.3}, {0: 0.78, 1: 0.5, 2: 0.1}, {0: 0.0, 1: 0.0}]
    out = composer.compose(question, question, passages, sims)
    assert_citations_consistent(out, passages)
    cited = [c.chunk_id for c in out.citations]
    assert cited[:2] == [REQUESTS.id, PORTAGE.id]
    assert VIRTUAL_SCHOOL.id not in cited  # retrieved but not quoted: not cited


def test_unrelated_passages_are_not_cited(composer: ExtractiveComposer) -> None:
    question = "what does the virtual school do?"
    passages = [VIRTUAL_SCHOOL, PORTAGE, EXCLUSIONS_OFFER]
    sims = [{0: 0.85, 1: 0.7}, {0: 0.05, 1: 0.05, 2: 0.05}, {0: 0.0, 1: 0.0, 2: 0.0, 3: 0.0}]
    out = composer.compose(question, question, passages, sims)
    assert [c.chunk_id for c in out.citations] == [VIRTUAL_SCHOOL.id]
    assert_citations_consistent(out, passages)
    assert "Portage" not in out.text and "exclusion" not in out.text


# -- contacts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["how do I contact the portage team?", "who do I ring about portage?", "what's the email for portage?"],
)
def test_contact_question_ends_with_the_contact_line_copied_exactly(
    composer: ExtractiveComposer, question: str
) -> None:
    out = composer.compose(question, question, [PORTAGE], [{0: 0.8, 1: 0.3, 2: 0.1}])
    last = out.pieces[-1]
    assert last.startswith(("Contact:", "Contact for "))
    assert "Email: SEND@leeds.gov.uk [2]" in last and "Phone: 0113 3782888 [2]" in last
    assert out.citations[1].chunk_id == PORTAGE_CONTACT.id
    assert not out.no_contact
    assert_citations_consistent(out, [PORTAGE])


def test_contact_already_in_the_answer_is_not_repeated(composer: ExtractiveComposer) -> None:
    question = "what is the portage phone number?"
    out = composer.compose(question, question, [PORTAGE_CONTACT], [{0: 0.2, 1: 0.8, 2: 0.85}])
    assert out.text.count("0113 3782888") == 1
    assert not any(p.startswith(("Contact:", "Contact for ")) for p in out.pieces)


def test_contact_from_the_same_team_in_another_document(composer: ExtractiveComposer) -> None:
    """The team's contact line is found even when it sits in another document about the same team."""
    las_ptt = passage(
        "ptt-las",
        "The Pupil Tuition Team is part of the Learning Access Service. The teachers offer one to one or small group "
        "tuition tailored to the learning needs of the young person.",
        section="Learning Access Service › Pupil Tuition Team › Who we are",
        team="Pupil Tuition Team",
        doc=LAS,
    )
    lis_ptt_contact = passage(
        "ptt-lis-contact",
        "The PTT always work closely with parents/carers and have regular contact.\nEmail: PTT@leeds.gov.uk",
        section="Learning Inclusion Service › Pupil Tuition Team › Parent duties",
        team="Pupil Tuition Team (PTT)",
        start=20000,
    )
    composer = ExtractiveComposer({p.id: p for p in (las_ptt, lis_ptt_contact)}, GLOSSARY)
    question = "how do I contact the pupil tuition team?"
    out = composer.compose(question, question, [las_ptt], [{0: 0.8, 1: 0.4}])
    assert out.pieces[-1] == "Contact for Pupil Tuition Team (PTT): Email: PTT@leeds.gov.uk [2]"
    assert out.citations[1].doc == LIS


def test_no_contact_found_says_so(composer: ExtractiveComposer) -> None:
    question = "how do I contact the virtual school?"
    out = composer.compose(question, question, [VIRTUAL_SCHOOL], [{0: 0.8, 1: 0.6}])
    assert out.pieces[-1] == MESSAGES["no_contact"]
    assert out.no_contact
    assert "@" not in out.text and not re.search(r"\d{4} ?\d{3}", out.text)


def test_non_contact_question_gets_no_contact_line(composer: ExtractiveComposer) -> None:
    question = "what is portage?"
    out = composer.compose(question, question, [PORTAGE], [{0: 0.8, 1: 0.3, 2: 0.1}])
    assert MESSAGES["no_contact"] not in out.text
    assert not re.search(r"^Contact(?: for [^:]+)?:", out.text, re.M)


# -- acronyms in a composed answer (the rest: tests/bot/test_spell_out.py) -----------------------


def test_spelled_out_in_a_composed_answer_but_email_untouched(composer: ExtractiveComposer) -> None:
    senit = passage(
        "senit",
        "The Early Years SENIT is a team of teachers and inclusion workers who work with families and settings.\n"
        "Email: SEND@leeds.gov.uk\nPhone: 0113 3782888",
        section="Learning Inclusion Service › EY SENIT",
        team="EY SENIT",
    )
    composer = ExtractiveComposer({senit.id: senit}, GLOSSARY)
    question = "what's the email for the early years senit?"
    out = composer.compose(question, question, [senit], [{0: 0.8, 1: 0.7, 2: 0.6}])
    pieces, expansions = composer.spell_out(out.pieces)
    text = "\n\n".join(pieces)
    assert "SENIT (Special Educational Needs and Inclusion Team)" in text
    assert "SEND@leeds.gov.uk" in text
    assert "SEND (" not in text  # the only SEND is the email's
    assert set(expansions) == {"SENIT"}


# -- what does not lead ---------------------------------------------------------------------------


def test_testimonial_quote_does_not_lead(composer: ExtractiveComposer) -> None:
    ep = passage(
        "ep",
        "“Our EP was amazing at helping to problem solve and be solution focused”. SENCO\n"
        "Educational Psychologists are trained to understand how children and young people learn, problem solve, "
        "develop relationships and manage feelings.",
        section="Learning Inclusion Service › Educational Psychology",
        team="Educational Psychology Team",
    )
    question = "what do educational psychologists help with?"
    out = composer.compose(question, question, [ep], [{0: 0.9, 1: 0.72}])
    assert out.pieces[0].startswith("Educational Psychologists are trained")
    assert "“" not in out.pieces[0].split(" [1]")[0]


def test_testimonial_section_does_not_lead(composer: ExtractiveComposer) -> None:
    said = passage(
        "what-people-say",
        "I could do it in my own time and stop and start the videos whenever needed, it helped our setting a lot.",
        section="Learning Inclusion Service › SENIT › What people say",
        team="SENIT",
        dense=0.7,
    )
    offer = passage(
        "senit-offer",
        "The team offers training for schools and settings on meeting the needs of children with SEND.",
        section="Learning Inclusion Service › SENIT › What we offer",
        team="SENIT",
        dense=0.6,
    )
    question = "does the team offer training for schools?"
    out = composer.compose(question, question, [said, offer], [{0: 0.8}, {0: 0.7}])
    assert out.pieces[0].startswith("The team offers training for schools")


def test_question_in_the_text_is_not_the_best_sentence(composer: ExtractiveComposer) -> None:
    senit = passage(
        "senit-why",
        "Do you have children in your setting who may have special educational needs? The Early Years SENIT "
        "provides advice and guidance to develop and build a setting's capacity to meet their needs.",
        section="Learning Inclusion Service › EY SENIT › Why choose us",
        team="EY SENIT",
    )
    question = "can someone help my nursery with children with special educational needs?"
    out = composer.compose(question, question, [senit], [{0: 0.75, 1: 0.7}])
    assert out.lead_similarity == pytest.approx(0.7)  # the best sentence is the statement, not the question
