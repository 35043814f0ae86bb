"""python -m eval.tune answerability: fit the answerability model and write bot/data/answerability.json.

For every dev question that reaches the decide stage (routed as a question, not ended by an earlier
stage), the signals of bot/answerability.py are computed and labelled with whether the question
expects a refusal; so are the question bank's questions, each with its writer's questions held out of the
bank (eval/answerability_bank.py). A logistic regression is fitted on dev alone or on dev and the bank; its
C and decision threshold are chosen by cross-validation on both (5 folds of dev, the bank by writer group):
false refusals at most 2% on each, then the best mean accuracy. The locked splits are never read.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np

from loa.settings import Settings

C_VALUES = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
# a false refusal (an answer the documents hold, withheld) costs a family more than an answer to a question
# they don't cover, which ends with the signpost anyway: only settings at or under this many are chosen
MAX_FALSE_REFUSALS = 0.02


def decide_stage_rows(bot, items) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Signals and labels for the dev questions the decide stage sees."""
    from bot.answerability import features
    from bot.context import Asked
    from bot.guard import screen

    rows, labels = [], []
    frame, direct, decide = bot.pipeline.stages[0], bot.pipeline.stages[1], bot.pipeline.stages[3]
    for item in items:
        checked = screen(item.question, bot.max_chars, bot.facts.published_contacts)
        route = bot.route(bot.screen_for_route(item.question), list(item.history))
        asked = Asked(item.question, list(item.history), checked, route)
        if route.label != "answer" or frame(asked) is not None or direct(asked) is not None:
            continue
        evidence = bot.gather(checked.question, list(item.history))
        if not evidence.passages:
            continue
        composition = decide.composition(evidence)
        rows.append(features(checked.question, evidence, composition))
        labels.append(int(item.refusal_expected))
    return np.array(rows), np.array(labels)


def _model(c: float):  # noqa: ANN202
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=3000))


def _cross_predicted(c: float, dev: tuple, bank: tuple, with_bank: bool) -> tuple[np.ndarray, np.ndarray]:
    """P(unanswerable) for every dev question (5-fold) and every bank question (by writer group), each
    from a model that never saw it: fitted on dev, or on dev and the bank questions of the other writers."""
    from sklearn.model_selection import StratifiedKFold

    (xd, yd), (xb, yb, gb) = dev, bank
    p_dev, p_bank = np.zeros(len(yd)), np.zeros(len(yb))
    for train, held in StratifiedKFold(5, shuffle=True, random_state=0).split(xd, yd):
        x, y = (np.vstack([xd[train], xb]), np.concatenate([yd[train], yb])) if with_bank else (xd[train], yd[train])
        p_dev[held] = _model(c).fit(x, y).predict_proba(xd[held])[:, 1]
    for g in np.unique(gb):
        x, y = (np.vstack([xd, xb[gb != g]]), np.concatenate([yd, yb[gb != g]])) if with_bank else (xd, yd)
        p_bank[gb == g] = _model(c).fit(x, y).predict_proba(xb[gb == g])[:, 1]
    return p_dev, p_bank


def _rates(p: np.ndarray, y: np.ndarray, t: float) -> tuple[float, float, float]:
    refused = p >= t
    return float((refused == y).mean()), float(refused[y == 1].mean()), float(refused[y == 0].mean())


def answerability_table(settings: Settings) -> str:
    from bot.answerability import FEATURES, MODEL_FILE
    from eval.answerability_bank import bank_rows
    from eval.tune import _setup

    bot, items, _ = _setup(settings)
    dev = decide_stage_rows(bot, items)
    del bot
    bank = bank_rows(settings)
    out = [
        f"{len(dev[1])} dev questions reach the decide stage, {int(dev[1].sum())} expecting a refusal; "
        f"{len(bank[1])} bank questions (writers held out), {int(bank[1].sum())} hard negatives",
        "| fitted on | C | threshold | dev accuracy | dev refusal recall | dev false refusals"
        " | bank accuracy | bank refusal recall | bank false refusals |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    scored = []
    for with_bank, c in itertools.product((False, True), C_VALUES):
        p_dev, p_bank = _cross_predicted(c, dev, bank, with_bank)
        for t in THRESHOLDS:
            d, b = _rates(p_dev, dev[1], t), _rates(p_bank, bank[1], t)
            capped = d[2] <= MAX_FALSE_REFUSALS and b[2] <= MAX_FALSE_REFUSALS
            scored.append((capped, (d[0] + b[0]) / 2, d[1] + b[1], -c, t, with_bank))
            name = "dev and bank" if with_bank else "dev"
            out.append(f"| {name} | {c} | {t} | " + " | ".join(f"{v:.3f}" for v in (*d, *b)) + " |")
    # within the false-refusal cap on both: mean accuracy, then recall, then the stronger regularisation
    *_, c, t, with_bank = max(scored)
    c = -c
    x, y = (np.vstack([dev[0], bank[0]]), np.concatenate([dev[1], bank[1]])) if with_bank else dev
    final = _model(c).fit(x, y)
    scaler, lr = final[0], final[-1]
    data: dict[str, Any] = {
        "fitted_on": "dev and the question bank (writers held out)" if with_bank else "dev",
        "command": "python -m eval.tune answerability",
        "features": list(FEATURES),
        "mean": scaler.mean_.tolist(),
        "scale": scaler.scale_.tolist(),
        "coef": lr.coef_[0].tolist(),
        "intercept": float(lr.intercept_[0]),
        "threshold": t,
        "C": c,
    }
    MODEL_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    out.append(f"\nchosen: fitted on {data['fitted_on']}, C={c}, threshold={t}; written to {MODEL_FILE.name}")
    return "\n".join(out)
