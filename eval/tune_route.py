"""python -m eval.tune route: the route stage's thresholds and rules, swept on dev only.

The classifier is trained on the exemplar files alone, so dev is held out from it; the thresholds
and the rules kept beside the classifier are chosen here, on dev. The test split is never read.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from bot.guard import Screening, matches
from bot.routing.router import Router
from eval.qa import CONVERSATIONAL, DEV_FILE, QAItem, load_qa
from loa.settings import Settings

# the phrase lists guard.toml held before the route stage, kept here to show why they were retired
RETIRED_RULES = {
    "crisis rule": re.compile(
        r"\bkill(ing)? (him|her|them|my|him ?self|her ?self|my ?self)\b|\b(suicid|self[- ]?harm)|\bwants? to die\b"
        r"|\b(overdose|swallowed (pills|tablets))\b|\b(being|been) (abused|hit|beaten|hurt|harmed)\b"
        r"|\b(ran off|gone missing|went missing|can'?t find (him|her|them))\b|\b(not safe|unsafe|in danger)\b",
        re.I,
    ),
    "off-topic task rule": re.compile(
        r"\b(write|compose|generate|make) (me )?(a |an |some )?(poem|story|song|essay|joke|script|code|recipe)\b"
        r"|\brecipe\b|\btranslate (this|the following)\b",
        re.I,
    ),
}
CRISIS_THRESHOLDS = (0.25, 0.3, 0.35, 0.36, 0.38, 0.4, 0.45, 0.5)
REPLY_THRESHOLDS = (0.3, 0.4, 0.5, 0.6)
OPENING_THRESHOLDS = (0.0, 0.4, 0.5, 0.6)


@dataclass
class Case:
    item: QAItem
    checked: Screening  # the message as the route stage reads it
    rules: dict[str, bool]  # other guard.toml rules, measured beside the classifier


def cases(bot, items: list[QAItem]) -> list[Case]:  # noqa: ANN001
    """Screened once; each text's embedding is kept for the whole sweep."""
    vectors: dict[str, object] = {}
    embed = bot.retriever.embed_query
    bot.retriever.embed_query = lambda text: vectors[text] if text in vectors else vectors.setdefault(text, embed(text))
    out = []
    for item in items:
        checked = bot.screen_for_route(item.question)
        rules = {name: bool(pattern.search(checked.question)) for name, pattern in RETIRED_RULES.items()}
        rules["decision rule"] = matches("decision", checked.question)
        out.append(Case(item, checked, rules))
    return out


def routed(bot, case: Case, extra: tuple[str, ...] = ()) -> str:  # noqa: ANN001
    """The route the bot gives, with guard.toml rules added or taken away for the ablation."""
    checked = case.checked
    if "no injection rules" in extra:
        checked = replace(checked, injection=False, abuse=False)
    if "crisis rule" in extra and case.rules["crisis rule"]:
        return "crisis"
    label = bot.route(checked, list(case.item.history)).label
    if "decision rule" in extra and case.rules["decision rule"] and label == "answer":
        return "advice"
    if "off-topic task rule" in extra and case.rules["off-topic task rule"] and label != "crisis":
        return "out_of_scope"
    return label


def scores(pairs: list[tuple[Case, str]]) -> dict[str, float]:
    def rate(hits: list[bool]) -> float:
        return sum(hits) / len(hits) if hits else float("nan")

    want = [(c.item.route, got) for c, got in pairs]
    return {
        "crisis recall": rate([g == "crisis" for w, g in want if w == "crisis"]),
        "crisis false alarms": rate([g == "crisis" for w, g in want if w != "crisis"]),
        "out of scope declined": rate([g == "out_of_scope" for w, g in want if w == "out_of_scope"]),
        "replies in kind": rate([g == c.item.route for c, g in pairs if c.item.category in CONVERSATIONAL]),
        # an answerable question must reach the answer stages (advice and injection answer too)
        "answerable kept": rate(
            [g in ("answer", "advice", "injection") for c, g in pairs if c.item.route == "answer" and c.item.answerable]
        ),
        "route accuracy": rate([w == g for w, g in want]),
        # an answerable question that gets an opening it did not ask for ("I can't decide ...")
        "needless openings": rate(
            [g in ("advice", "injection") for c, g in pairs if c.item.route == "answer" and c.item.answerable]
        ),
    }


def _row(name: str, s: dict[str, float]) -> str:
    return f"| {name} | " + " | ".join(f"{v:.3f}" for v in s.values()) + " |"


def route_table(settings: Settings) -> str:
    from bot.assistant import Bot

    bot = Bot.from_defaults(settings)
    router: Router = bot.router
    dev = cases(bot, load_qa(DEV_FILE)[0])
    base = router.settings
    header = "| setting | " + " | ".join(scores([]).keys()) + " |"
    out = ["Thresholds (all rules of the default router on):", header, "|---" * 8 + "|"]
    for crisis, reply, opening in itertools.product(CRISIS_THRESHOLDS, REPLY_THRESHOLDS, OPENING_THRESHOLDS):
        router.settings = replace(base, crisis_threshold=crisis, reply_threshold=reply, opening_threshold=opening)
        name = f"crisis ≥ {crisis}, reply ≥ {reply}, opening ≥ {opening}"
        out.append(_row(name, scores([(c, routed(bot, c)) for c in dev])))
    router.settings = base
    out += ["", f"Rules beside the classifier, at the defaults {base.crisis_threshold} / {base.reply_threshold}:"]
    out += [header, "|---" * 8 + "|"]
    out.append(_row("classifier + default rules", scores([(c, routed(bot, c)) for c in dev])))
    router.settings = base
    plain = [(c, routed(bot, replace(c, item=replace(c.item, history=())))) for c in dev]
    out.append(_row("without reading follow-ups in context", scores(plain)))
    out.append(
        _row(
            "without the injection and abuse rules",
            scores([(c, routed(bot, c, ("no injection rules",))) for c in dev]),
        )
    )
    for rule in ("crisis rule", "decision rule", "off-topic task rule"):
        out.append(_row(f"+ guard.toml {rule}", scores([(c, routed(bot, c, (rule,))) for c in dev])))
    return "\n".join(out)


BLIND_FILE = Path(__file__).with_name("route_blind.jsonl")  # short messages written blind: vague or a question
BANK_ANSWERS = (0.74, 0.78, 0.82, 0.86, 0.9, 1.01)
VAGUE_THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def blind_messages(path: Path = BLIND_FILE) -> list[tuple[str, str]]:
    """(text, label) pairs: label 'vague' (ask what they want) or 'answer' (a short, real question)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["text"], r["label"]) for r in rows]


def vague_table(settings: Settings) -> str:
    """How sure the classifier must be that a message is vague, and the question-bank rule (a vague or off-topic
    message close to an answered bank question is a question), swept on dev and on short messages written blind
    to the code and the locked splits."""
    from bot.assistant import Bot

    bot = Bot.from_defaults(settings)
    router: Router = bot.router
    dev = cases(bot, load_qa(DEV_FILE)[0])
    blind = [(bot.screen_for_route(text), label) for text, label in blind_messages()]
    base = router.settings
    out = [
        "| vague at | bank rule at | dev route accuracy | dev replies in kind | blind vague kept vague"
        " | blind questions answered | blind accuracy |",
        "|---|---|---|---|---|---|---|",
    ]
    for vague_at, threshold in itertools.product(VAGUE_THRESHOLDS, BANK_ANSWERS):
        router.settings = replace(base, vague_threshold=vague_at, bank_answers=threshold)
        s = scores([(c, routed(bot, c)) for c in dev])
        got = [(bot.route(checked, []).label, label) for checked, label in blind]
        vague = [g == "vague" for g, w in got if w == "vague"]
        asked = [g in ("answer", "advice") for g, w in got if w == "answer"]
        name = "off" if threshold > 1 else f"≥ {threshold}"
        kept, answered = sum(vague) / len(vague), sum(asked) / len(asked)
        out.append(
            f"| ≥ {vague_at} | {name} | {s['route accuracy']:.3f} | {s['replies in kind']:.3f}"
            f" | {kept:.3f} | {answered:.3f} | {(sum(vague) + sum(asked)) / len(got):.3f} |"
        )
    router.settings = base
    return "\n".join(out)
