"""Personal details are found and redacted; ordinary text is left alone.

Decision on phone numbers and emails that belong to services (0113 3782888, SEND@leeds.gov.uk): ``redact``
cannot tell a council helpline from a family's mobile, so it redacts every phone-shaped number and every email.
That costs nothing in logs and feedback, where redact is used. What the *bot* does with such a question is
tested in tests/bot/test_quality.py.
"""

from __future__ import annotations

import pytest

from bot.privacy import find_personal, redact


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "my daughter is Amelia Brooks, born 02/05/2023, NHS number 485 777 3456, we live at 14 Oak Lane Leeds "
            "LS11 5TY. shes not walking or talking yet, can someone come to the house to help",
            "my daughter is [name], born [date of birth], [NHS number], we live at [address] Leeds [postcode]. "
            "shes not walking or talking yet, can someone come to the house to help",
        ),
        (
            "im sarah jones, sarah.j.1984@example.com, 07700 900123. who can advise me about exclusions",
            "im [name], [email], [phone number]. who can advise me about exclusions",
        ),
        (
            "Mark Peters here, 07700 900456. my son Oliver (born 3 Jan 2012) has type 1 diabetes.",
            "[name] here, [phone number]. my son [name] (born [date of birth]) has type 1 diabetes.",
        ),
        (
            "I foster Chloe Evans (DOB 21/09/2014), my mobile is 07700 900789.",
            "I foster [name] (DOB [date of birth]), my mobile is [phone number].",
        ),
        ("My name is Priya Shah and my daughter is dyslexic", "My name is [name] and my daughter is dyslexic"),
        ("our daughter is called Maisie-Rose", "our daughter is called [name]"),
        ("my grandson Alfie Moore is deaf", "my grandson [name] is deaf"),
        ("we live at 22 Harehills Avenue", "we live at [address]"),
        ("flat 3, 12a Kirkstall Road", "flat 3, [address]"),
    ],
)
def test_realistic_messages_are_redacted(message: str, expected: str) -> None:
    assert redact(message) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("nhs no: 943-476-5919", "NHS number"),
        ("NHS number 9434765919", "NHS number"),
        ("ring me on 07700900123", "phone number"),
        ("call 0113 496 0000 after 3", "phone number"),
        ("my number is +44 7700 900123", "phone number"),
        ("postcode ls11 5ty", "postcode"),
        ("we're in LS6 1AB", "postcode"),
        ("born 21st September 2014", "date of birth"),
        ("dob 21.09.2014", "date of birth"),
        ("email me at j.smith+school@gmail.com", "email"),
    ],
)
def test_each_kind_is_found(text: str, kind: str) -> None:
    assert kind in {k for k, _ in find_personal(text)}
    assert f"[{kind}]" in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "how do I request Portage",
        "what does the attendance team do",
        "How many hours a week of tuition does the Pupil Tuition Team give?",
        "The number of active EHCPs increased from 2041 in 2014, to 5006 at the time of writing in 2021.",
        "The decision of the panel will be communicated within 2 days.",
        "support for children and young people aged 0-25",
        "He is in Year 9 at a Leeds school",
        "Monday to Friday, 10am to 3pm",
        "call 999 or NHS 111",
        "Is the Virtual School part of Learning Inclusion?",
        "My son Has ADHD and my daughter Is deaf",
        "I'm a SENCo in a Leeds primary",
        "I am worried about my son",
        "Tuition takes place at Queenswood Drive",  # a street name without a house number is not an address
        "my 2 year old is not talking",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert find_personal(text) == []
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    ["is 0113 3782888 the right number?", "is 0113 378 5020 still the SENDIASS number?", "email SEND@leeds.gov.uk"],
)
def test_service_contacts_are_redacted_too(text: str) -> None:
    """Documented choice (see the module docstring): redact has no list of public numbers, so it redacts them all."""
    redacted = redact(text)
    assert "0113" not in redacted and "@" not in redacted
    assert "[phone number]" in redacted or "[email]" in redacted


def test_redact_without_placeholders_removes_the_details() -> None:
    out = redact("My son Leo Smith (DOB 12/03/2015) lives at 14 Oak Lane, LS8 2AB.", placeholder=False)
    for detail in ("Leo", "Smith", "12/03/2015", "14 Oak Lane", "LS8 2AB"):
        assert detail not in out
    assert "[" not in out
    assert out.startswith("My son")


def test_redaction_is_idempotent() -> None:
    message = "I'm Sarah Jones, 07700 900123, 14 Oak Lane LS8 2AB, NHS number 943 476 5919"
    once = redact(message)
    assert redact(once) == once


def test_find_personal_reports_kind_and_value() -> None:
    found = find_personal("My son Leo Smith (DOB 12/03/2015), NHS number 943 476 5919")
    assert ("name", "Leo Smith") in found
    assert ("date of birth", "12/03/2015") in found
    assert any(kind == "NHS number" and "943 476 5919" in value for kind, value in found)


@pytest.mark.parametrize(
    ("message", "detail"),
    [
        ("my deaf son Harry Khan, NHS no 943 476 5919, is starting college in september", "Harry"),
        ("please pass my details on: Priya Shah, 31 Harehills Lane LS9 7XY", "Priya"),
        ("my son leo is in year 9 and keeps getting excluded", "leo"),
        ("ring me on +44 (0)7700 900123", "900123"),
    ],
)
def test_missed_personal_details(message: str, detail: str) -> None:
    assert detail not in redact(message)


@pytest.mark.parametrize(
    "text",
    ["call me on (0113) 222 3333 please", "my mobile is 07700  900123", "write to name [at] example.com"],
)
def test_the_audits_spellings_are_redacted(text: str) -> None:
    assert "[" in redact(text) and not any(ch.isdigit() for ch in redact(text).replace("[", "")[-6:])
    assert find_personal(text)


def _uk_phone_spellings():  # noqa: ANN202
    from hypothesis import strategies as st

    def spell(area: str, rest: str, style: int, gap: str) -> str:
        local = f"{rest[:3]}{gap}{rest[3:]}"
        return [
            f"{area}{gap}{local}",
            f"({area}){gap}{local}",
            f"+44{gap}{area[1:]}{gap}{local}",
            f"+44 (0){area[1:]}{gap}{local}",
            f"{area}-{rest[:3]}-{rest[3:]}",
            f"{area}{rest}",
            f"{area}.{rest[:3]}.{rest[3:]}",
        ][style]

    areas = st.sampled_from(["0113", "0114", "0161", "0207", "07700", "07911", "01904"])
    return st.builds(
        lambda area, digits, style, gap: spell(area, digits[: 11 - len(area)], style, gap),
        areas,
        st.text("0123456789", min_size=7, max_size=7),
        st.integers(0, 6),
        st.sampled_from([" ", "  ", ""]),
    )


def _obfuscated_emails():  # noqa: ANN202
    from hypothesis import strategies as st

    word = st.from_regex(r"[a-z]{2,8}", fullmatch=True)
    at = st.sampled_from([" [at] ", "[at]", " (at) ", " at "])
    dot = st.sampled_from([".", " [dot] ", " (dot) ", " dot "])
    tld = st.sampled_from(["com", "co.uk", "org"])
    return st.builds(
        lambda user, a, domain, d, t: f"{user}{a}{domain}{d if a.strip() != 'at' else ' dot '}{t}",
        word,
        at,
        word,
        dot,
        tld,
    )


def test_generated_uk_phone_numbers_and_obfuscated_emails_are_redacted() -> None:
    from hypothesis import given, settings

    @settings(max_examples=300, deadline=None)
    @given(_uk_phone_spellings())
    def phones(number: str) -> None:
        assert "[phone number]" in redact(f"ring me on {number} after 3"), number

    @settings(max_examples=300, deadline=None)
    @given(_obfuscated_emails())
    def emails(address: str) -> None:
        assert "[email]" in redact(f"my email is {address} thanks"), address

    phones()
    emails()
