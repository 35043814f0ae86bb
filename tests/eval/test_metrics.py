"""The scoring behind the benchmark: normalising, key facts, overlap metrics, invented facts, intervals."""

from __future__ import annotations

import pytest

from bot.wording import MESSAGES
from eval.evidence import EvidenceLocator, Span, overlaps
from eval.metrics import (
    Cited,
    Scored,
    bootstrap,
    invented_facts,
    normalise,
    refusal_metrics,
    retrieval_metrics,
    rouge_l,
    score_answer,
    strip_additions,
    summarise,
    token_f1,
    without_fixed_messages,
)
from eval.qa import Evidence, QAItem

PTT_TEXT = (
    "Any referral to the PTT must be submitted by a school. The decision of the panel will be communicated to the "
    "referrer with a call and follow up email within 2 days. Parents/carers are expected to ensure that pupils "
    "attend all tuition sessions offered."
)
PTT = Cited("learning-inclusion-service.txt", 1000, 1000 + len(PTT_TEXT), PTT_TEXT, "Pupil Tuition Team › Referral")
SENIT = Cited(
    "learning-inclusion-service.txt", 5000, 5060, "Email: SEND@leeds.gov.uk\nPhone: 0113 3782888", "EY SENIT › Contact"
)


def item(key_facts: tuple[str, ...] = (), refusal: bool = False, answer: str = "", **kw: object) -> QAItem:
    return QAItem(
        id=str(kw.get("id", "t1")),
        question="q",
        persona="family",
        category=str(kw.get("category", "fact")),
        answer=answer,
        key_facts=key_facts,
        evidence=(),
        refusal_expected=refusal,
    )


# -- normalise ------------------------------------------------------------------------------------


def test_normalise_thousands_separators() -> None:
    assert normalise("from 2,041 in 2014") == normalise("from 2041 in 2014") == "from 2041 in 2014"
    assert normalise("1,234,567") == "1234567"


def test_normalise_case_quotes_and_punctuation() -> None:
    assert (
        normalise("Their school must provide a ‘designated teacher’.")
        == "their school must provide a 'designated teacher'"
    )
    assert normalise("“Good” or   'Outstanding'!") == normalise("\"good\" or 'outstanding'")
    assert normalise("Email: SEND@leeds.gov.uk") == "email send@leeds gov uk"
    assert normalise("50% delay") == "50% delay"


def test_normalise_keeps_decimals_and_list_commas() -> None:
    assert normalise("1.5 hours") == "1 5 hours"
    assert normalise("ages 2, 3 and 4") == "ages 2 3 and 4"


# -- key facts ------------------------------------------------------------------------------------


def test_key_facts_ignore_inserted_acronym_spellings() -> None:
    answer = "Any referral to the PTT (Pupil Tuition Team) must be submitted by a school. [1]"
    scored = score_answer(
        item(("referral to the PTT must be submitted",)), answer, False, [PTT], [], {"PTT": "Pupil Tuition Team"}
    )
    assert scored.key_facts == 1.0 and scored.key_facts_all == 1.0 and scored.missing == []


def test_key_facts_ignore_citation_markers() -> None:
    answer = "The decision of the panel will be communicated within 2 days. [1] Parents/carers are expected [1, 2]"
    scored = score_answer(item(("within 2 days. Parents/carers",)), answer, False, [PTT], [])
    assert scored.key_facts == 1.0


def test_key_facts_partial_and_missing() -> None:
    answer = "Referrals come from a school. The decision takes 2 days. [1]"
    scored = score_answer(item(("2 days", "3 days")), answer, False, [PTT], [])
    assert scored.key_facts == 0.5
    assert scored.key_facts_all == 0.0
    assert scored.missing == ["3 days"]


def test_key_facts_case_and_thousands_insensitive() -> None:
    scored = score_answer(item(("EHCPs increased from 2,041",)), "ehcps increased from 2041 in 2014", False, [], [])
    assert scored.key_facts == 1.0


def test_strip_additions() -> None:
    text = strip_additions(
        "The SENCo (Special Educational Needs Coordinator) helps. [1] [2, 3]",
        {"SENCo": "Special Educational Needs Coordinator"},
    )
    assert "(Special" not in text and "[1]" not in text and "[2, 3]" not in text
    assert text.startswith("The SENCo helps.")


def test_refusal_item_scores_no_answer_metrics() -> None:
    scored = score_answer(item(refusal=True), "I couldn't find an answer", True, [], [])
    assert scored.key_facts is None and scored.token_f1 is None and scored.citation_precision is None
    assert scored.refused and scored.refusal_expected


# -- overlap metrics ------------------------------------------------------------------------------


def test_token_f1() -> None:
    assert token_f1("within 2 days", "within 2 days") == 1.0
    assert token_f1("Within 2 days.", "within 2 days") == 1.0
    assert token_f1("portage visits", "exclusions team") == 0.0
    assert token_f1("", "anything") == 0.0 and token_f1("anything", "") == 0.0
    # 2 shared of 3 predicted and 4 gold: p=2/3, r=1/2
    assert token_f1("within two days", "within days of referral") == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_rouge_l() -> None:
    assert rouge_l("the decision within 2 days", "the decision within 2 days") == 1.0
    assert rouge_l("a b c d", "a c") == pytest.approx(2 * 0.5 * 1.0 / 1.5)
    assert rouge_l("days 2 within", "within 2 days") < token_f1("days 2 within", "within 2 days") == 1.0
    assert rouge_l("", "x") == 0.0 and rouge_l("x", "y") == 0.0


# -- bootstrap ------------------------------------------------------------------------------------


def test_bootstrap_interval_contains_the_mean() -> None:
    values = [0, 1, 1, 0, 1, 1, 1, 0.5, 0.25, 1]
    result = bootstrap(values)
    assert result["value"] == pytest.approx(sum(values) / len(values))
    assert result["lo"] <= result["value"] <= result["hi"]
    assert 0 <= result["lo"] < result["hi"] <= 1
    assert result["n"] == len(values)
    assert bootstrap(values) == result  # seeded: the same every run


def test_bootstrap_skips_none_and_handles_empty() -> None:
    assert bootstrap([None, 1.0, None, 0.0])["n"] == 2
    assert bootstrap([]) == {"value": None, "lo": None, "hi": None, "n": 0}
    assert bootstrap([None]) == {"value": None, "lo": None, "hi": None, "n": 0}
    same = bootstrap([0.7] * 5)
    assert same["lo"] == same["value"] == same["hi"] == pytest.approx(0.7)


# -- invented facts -------------------------------------------------------------------------------


def test_invented_phone_number_is_caught() -> None:
    answer = "The decision will be communicated within 2 days. [1] Phone: 0113 0000000 [1]"
    assert invented_facts(strip_additions(answer, {}), [PTT]) == ["01130000000"]


def test_contacts_compared_ignoring_case_and_spaces() -> None:
    answer = "Email: send@LEEDS.gov.uk and ring 0113 378 2888."
    assert invented_facts(answer, [SENIT]) == []


def test_invented_email_figure_and_team_name() -> None:
    answer = "Email ptt@leeds.gov.uk. It takes 5 days. Ask the Medical Needs Teaching Service."
    assert invented_facts(answer, [PTT]) == ["ptt@leeds.gov.uk", "5", "Medical Needs Teaching Service"]


def test_nothing_invented_when_all_is_quoted() -> None:
    answer = (
        "The decision of the panel will be communicated to the referrer with a call and follow up email within 2 days."
    )
    assert invented_facts(answer, [PTT]) == []


def test_fixed_crisis_numbers_are_not_invented() -> None:
    answer = f"{MESSAGES['crisis']}\n\n{MESSAGES['crisis_more']}"
    assert {"999", "111", "101"} <= set(invented_facts(answer, []))
    assert invented_facts(without_fixed_messages(answer), []) == []


def test_without_fixed_messages_keeps_the_quoted_text() -> None:
    answer = f"{MESSAGES['refusal']}\n\nPhone: 0113 3782888 [1]"
    stripped = without_fixed_messages(strip_additions(answer, {}))
    assert MESSAGES["refusal"] not in stripped and "0113 3782888" in stripped
    assert invented_facts(stripped, [PTT]) == ["01133782888"]


def test_score_answer_records_invented_facts() -> None:
    scored = score_answer(item(("2 days",)), "Within 2 days. Call 0800 123 4567. [1]", False, [PTT], [])
    assert scored.invented == ["08001234567"]


# -- citations against evidence -------------------------------------------------------------------


def test_citation_precision_and_recall() -> None:
    locator = EvidenceLocator({"learning-inclusion-service.txt": " " * 1000 + PTT_TEXT})
    span = locator.locate("learning-inclusion-service.txt", "within 2 days")
    assert span is not None
    unrelated = Cited("learning-inclusion-service.txt", 0, 500, "x" * 500)
    scored = score_answer(item(("2 days",)), "within 2 days [1] x [2]", False, [PTT, unrelated], [span])
    assert scored.citation_precision == 0.5 and scored.citation_recall == 1.0
    refused = score_answer(item(("2 days",)), "I couldn't find it", True, [], [span])
    assert refused.citation_recall == 0.0 and refused.citation_precision is None


def test_evidence_locator_across_cleaning() -> None:
    locator = EvidenceLocator({"d.txt": "Requests can be made:\n\n• the child is aged\n  between 0 and 2"})
    span = locator.locate("d.txt", "made: the child is aged between 0 and 2")
    assert span == Span(
        "d.txt", len("Requests can be "), len("Requests can be made:\n\n• the child is aged\n  between 0 and 2")
    )
    assert locator.locate("d.txt", "not there") is None
    assert locator.locate("other.txt", "made") is None
    assert overlaps(span, "d.txt", 0, 50) and not overlaps(span, "x.txt", 0, 50)
    assert not overlaps(span, "d.txt", 0, 30)  # a third of the quote is not enough


# -- refusal and retrieval summaries --------------------------------------------------------------


def _row(id_: str, refused: bool, expected: bool) -> Scored:
    return Scored(id_, "unanswerable" if expected else "fact", "family", refused, expected)


def test_refusal_metrics_on_a_small_list() -> None:
    rows = [
        _row("a", refused=True, expected=True),  # right refusal
        _row("b", refused=True, expected=True),  # right refusal
        _row("c", refused=False, expected=True),  # answered what it should refuse
        _row("d", refused=True, expected=False),  # refused what it could answer
        _row("e", refused=False, expected=False),
        _row("f", refused=False, expected=False),
        _row("g", refused=False, expected=False),
    ]
    m = refusal_metrics(rows)
    assert m["refusal_recall"]["value"] == pytest.approx(2 / 3)
    assert m["refusal_precision"]["value"] == pytest.approx(2 / 3)
    assert m["false_refusal_rate"]["value"] == pytest.approx(1 / 4)
    assert m["refusal_accuracy"]["value"] == pytest.approx(5 / 7)
    assert m["refusal_recall"]["n"] == 3 and m["false_refusal_rate"]["n"] == 4


def test_refusal_metrics_without_refusals() -> None:
    m = refusal_metrics([_row("e", refused=False, expected=False)])
    assert m["refusal_recall"]["value"] is None and m["refusal_precision"]["value"] is None
    assert m["refusal_accuracy"]["value"] == 1.0


def test_summarise_has_every_metric() -> None:
    summary = summarise([_row("a", True, True), _row("b", False, False)])
    for name in ("key_facts", "citation_precision", "refusal_accuracy", "false_refusal_rate"):
        assert name in summary


def test_retrieval_metrics() -> None:
    m = retrieval_metrics([0, 2, None, 5])
    assert m["hit@1"] == 0.25 and m["hit@3"] == 0.5 and m["hit@5"] == 0.5 and m["hit@10"] == 0.75
    assert m["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 6) / 4)
    assert m["n"] == 4
    assert retrieval_metrics([])["n"] == 0


def test_evidence_dataclass_round_trip() -> None:
    assert Evidence("d.txt", "quote") == Evidence("d.txt", "quote")
