"""python -m eval.tune answerability: fit the answerability model on dev and write bot/data/answerability.json.

For every dev question that reaches the decide stage (routed as a question, not ended by an earlier
stage), the signals of bot/answerability.py are computed and labelled with whether the question
expects a refusal. A logistic regression's C and decision threshold are chosen by 5-fold cross-
validation on dev (accuracy, then fewer false refusals); the model is then fitted on all of dev.
The test split is never read.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from loa.settings import Settings

C_VALUES = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
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


def answerability_table(settings: Settings) -> str:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from bot.answerability import FEATURES, MODEL_FILE
    from eval.tune import _setup

    bot, items, _ = _setup(settings)
    x, y = decide_stage_rows(bot, items)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    out = [
        f"{len(y)} dev questions reach the decide stage, {int(y.sum())} expecting a refusal",
        "| C | threshold | accuracy | refusal recall | false refusals |",
        "|---|---|---|---|---|",
    ]
    scored = []
    for c in C_VALUES:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=2000))
        p = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
        for t in THRESHOLDS:
            refused = p >= t
            acc, recall, false = (refused == y).mean(), refused[y == 1].mean(), refused[y == 0].mean()
            scored.append((false <= MAX_FALSE_REFUSALS, acc, recall, -c, t))
            out.append(f"| {c} | {t} | {acc:.3f} | {recall:.3f} | {false:.3f} |")
    *_, c, t = max(scored)  # within the false-refusal cap: accuracy, then recall, then the stronger regularisation
    c = -c
    final = make_pipeline(StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=2000)).fit(x, y)
    scaler, lr = final[0], final[-1]
    data: dict[str, Any] = {
        "fitted_on": "dev",
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
    out.append(f"\nchosen: C={c}, threshold={t}; written to {MODEL_FILE.name}")
    return "\n".join(out)
