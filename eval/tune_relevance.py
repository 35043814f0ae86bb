"""python -m eval.tune relevance: what the question bank's relevance model adds, design by design, on dev.

Each row runs the whole assistant over the dev split with one arrangement of the relevance parts
(bot/relevance/): none; the bank's relevance as a fourth leg of the fused retrieval; the sentence
selector mixed into the composer's sentence scores (``w_relevance``); both. The rows it prints are the
ablation in eval/README.md, and the weights it reports best are the defaults in bot/retrieve.py and
bot/compose.py.
"""

from __future__ import annotations

from dataclasses import replace

METRICS = ("key_facts", "citation_recall", "citation_precision", "false_refusal_rate", "refusal_accuracy")


def arrange(bot, *, leg_weight: float | None, w_relevance: float, relevance, **compose) -> None:  # noqa: ANN001, ANN003
    """The bot with the relevance parts on or off: ``leg_weight`` None is no fusion leg; ``compose`` sets
    other composer settings for the row."""
    config = bot.retriever.config
    bot.retriever.relevance = relevance if leg_weight is not None else None
    bot.retriever._build_fusion(replace(config, relevance_weight=leg_weight or 0.0))
    bot.retrieve.relevance = relevance if (leg_weight is not None or w_relevance) else None
    bot.composer.config = replace(bot.composer.config, w_relevance=w_relevance, **compose)


def row(bot, items, locator, name: str) -> str:  # noqa: ANN001
    from eval.runner import run_assistant

    results = run_assistant(bot, items, locator, name)[0].results()
    overall, retrieval = results["answers"]["overall"], results["retrieval"]
    cells = [f"{overall[m]['value'] * 100:.1f}%" for m in METRICS]
    cells += [f"{retrieval['hit@1'] * 100:.1f}%", f"{retrieval['hit@5'] * 100:.1f}%", f"{retrieval['mrr']:.3f}"]
    cells.append(f"{overall['words_median']['value']:.0f}")
    return f"| {name} | " + " | ".join(cells) + " |"


def relevance_table(bot, items, locator, variants: dict[str, dict]) -> str:  # noqa: ANN001
    relevance = bot.relevance
    config, compose = bot.retriever.config, bot.composer.config
    header = "| design | key facts | citation recall | citation precision | false refusals | refusal accuracy "
    header += "| hit@1 | hit@5 | MRR | median words |"
    out = [header, "|---" * 10 + "|"]
    for name, arrangement in variants.items():
        arrange(bot, relevance=relevance, **arrangement)
        out.append(row(bot, items, locator, name))
    bot.retriever.config, bot.composer.config = config, compose
    arrange(bot, relevance=relevance, leg_weight=config.relevance_weight, w_relevance=compose.w_relevance)
    return "\n".join(out)


VARIANTS = {
    "without the question bank": {"leg_weight": None, "w_relevance": 0.0},
    "bank relevance as a retrieval leg (weight 0.5)": {"leg_weight": 0.5, "w_relevance": 0.0},
    "bank relevance as a retrieval leg (weight 1.0)": {"leg_weight": 1.0, "w_relevance": 0.0},
    "sentence selector in the composer (w 0.5)": {"leg_weight": None, "w_relevance": 0.5},
    "both (leg 1.0, w 0.3)": {"leg_weight": 1.0, "w_relevance": 0.3},
    "both (leg 1.0, w 0.5)": {"leg_weight": 1.0, "w_relevance": 0.5},
    "both (leg 1.0, w 0.7)": {"leg_weight": 1.0, "w_relevance": 0.7},
    "both (leg 1.5, w 0.5)": {"leg_weight": 1.5, "w_relevance": 0.5},
}


def ablation(bot, items, locator) -> dict[str, dict[str, float]]:  # noqa: ANN001
    """Key facts, retrieval and length per design, for the report (python -m eval --ablation)."""
    from eval.runner import run_assistant

    relevance = bot.relevance
    config, compose = bot.retriever.config, bot.composer.config
    out = {}
    for name, arrangement in DESIGNS.items():
        arrange(bot, relevance=relevance, **arrangement)
        results = run_assistant(bot, items, locator, name)[0].results()
        overall = results["answers"]["overall"]
        out[name] = {
            "key_facts": overall["key_facts"]["value"],
            "false_refusal_rate": overall["false_refusal_rate"]["value"],
            "words_median": overall["words_median"]["value"],
            **{k: results["retrieval"][k] for k in ("hit@1", "hit@5", "mrr")},
        }
    bot.retriever.config, bot.composer.config = config, compose
    arrange(bot, relevance=relevance, leg_weight=config.relevance_weight, w_relevance=compose.w_relevance)
    return out


# the report's ablation: each part alone and together, at the chosen weights
DESIGNS = {
    "without the question bank": {"leg_weight": None, "w_relevance": 0.0},
    "bank retrieval leg alone": {"leg_weight": 2.0, "w_relevance": 0.0},
    "sentence selector alone": {"leg_weight": None, "w_relevance": 0.3},
    "both (the default)": {"leg_weight": 2.0, "w_relevance": 0.3},
}
