"""The answerability fit: every bank writer is held out once, and cross-prediction never sees its own rows."""

from __future__ import annotations

import numpy as np

from eval.answerability_bank import writer_groups
from eval.tune_answerable import _cross_predicted, _rates


def test_every_writer_is_in_exactly_one_group() -> None:
    entries = [{"written_by": w} for w in ("W1", "W2", "W3", "R2-A", "R2-B", "W1")]
    groups = writer_groups(entries, groups=2)
    assert sorted(w for g in groups for w in g) == ["R2-A", "R2-B", "W1", "W2", "W3"]


def test_cross_prediction_scores_rows_the_model_never_saw() -> None:
    rng = np.random.default_rng(0)
    xd, yd = rng.normal(size=(60, 3)), np.array([0, 1] * 30)
    xd[:, 0] += 3 * yd  # one signal separates the classes
    xb, yb = rng.normal(size=(80, 3)), np.array([0, 0, 0, 1] * 20)
    xb[:, 0] += 3 * yb
    gb = np.repeat(np.arange(4), 20)
    for with_bank in (False, True):
        p_dev, p_bank = _cross_predicted(1.0, (xd, yd), (xb, yb, gb), with_bank)
        assert _rates(p_dev, yd, 0.5)[0] > 0.8 and _rates(p_bank, yb, 0.5)[0] > 0.8
    accuracy, recall, false = _rates(np.array([0.9, 0.2, 0.7, 0.1]), np.array([1, 1, 0, 0]), 0.5)
    assert (accuracy, recall, false) == (0.5, 0.5, 0.5)
