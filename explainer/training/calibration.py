"""Temperature scaling, calibration error and the abstention threshold, fitted at train time.

Temperature scaling (Guo et al. 2017) divides every class score by one scalar T fitted
to minimise the negative log-likelihood of held-out labels. Dividing a linear model's
weights and intercepts by T keeps it linear, so the exact attributions of the margin
simply scale by 1/T and additivity still holds; the label never changes.

One scalar cannot undo every miscalibration, so an isotonic map from the
temperature-scaled top-class probability to how often such a label was right is fitted
after T; only the confidence shown goes through it (``explainer.model.confidence``), the
label, the probabilities and the exact attributions stay the temperature-scaled model's.

The held-out tickets are split in two (seeded): T, the map and the abstention threshold
are fitted on one half and every figure the card reports is measured on the other.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

from explainer.model.confidence import TopLabelMap

__all__ = [
    "ABSTAIN_TARGET",
    "BINS",
    "abstention_threshold",
    "brier",
    "calibrate",
    "ece",
    "fit_temperature",
    "fit_top_label_map",
    "scores_of",
]

BINS = 15
MAP_POINT_TICKETS = 50  # held-out tickets behind each point of the top-label map
ABSTAIN_TARGET = 0.05  # at most this share of in-scope held-out tickets handed to a person


def scores_of(pipeline: Any, frame: Any) -> NDArray[np.float64]:
    """Class scores (n, classes) of a fitted pipeline; a binary model's as two columns."""
    raw = np.asarray(pipeline.decision_function(frame), dtype=np.float64)
    if raw.ndim == 1:
        return np.column_stack([np.zeros_like(raw), raw])
    return raw


def fit_temperature(scores: NDArray[np.float64], y: NDArray[np.intp]) -> float:
    """The T > 0 whose ``scores / T`` have the lowest calibration error on these tickets.

    ECE is the figure the card promises, and minimising the log-likelihood instead was
    measured leaving it higher on the demo priority model (whose miscalibration is not
    one temperature's worth): so a grid over log T picks the lowest ECE, and the
    log-likelihood's optimum refines nothing but breaks ties.
    """

    def nll(log_t: float) -> float:
        logp = log_softmax(scores / np.exp(log_t), axis=1)
        return float(-logp[np.arange(len(y)), y].mean())

    grid = np.linspace(-3.0, 3.0, 121)
    errors = np.array([ece(softmax(scores / np.exp(g), axis=1), y) for g in grid])
    best = grid[errors <= errors.min() + 1e-4]
    by_nll = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded").x
    return float(np.exp(best[np.argmin(np.abs(best - by_nll))]))


def ece(
    probs: NDArray[np.float64],
    y: NDArray[np.intp],
    bins: int = BINS,
    confidence: NDArray[np.float64] | None = None,
) -> float:
    """Expected calibration error of the confidence shown (the top-class probability
    unless ``confidence`` is given), equal-width bins."""
    top = probs.max(axis=1) if confidence is None else confidence
    right = probs.argmax(axis=1) == y
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(top, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            total += inside.mean() * abs(right[inside].mean() - top[inside].mean())
    return float(total)


def brier(probs: NDArray[np.float64], y: NDArray[np.intp]) -> float:
    """Multi-class Brier score: mean squared distance to the one-hot label."""
    onehot = np.zeros_like(probs)
    onehot[np.arange(len(y)), y] = 1.0
    return float(((probs - onehot) ** 2).sum(axis=1).mean())


def fit_top_label_map(
    top: NDArray[np.float64], right: NDArray[np.bool_], per_point: int = MAP_POINT_TICKETS
) -> TopLabelMap:
    """How often a label was right against its top-class probability, as a map.

    Tickets are sorted by probability and cut into groups of at least ``per_point``
    (at most BINS groups); each group gives one point (mean probability, share right),
    made non-decreasing by isotonic regression weighted by group size. Groups rather
    than single tickets keep a sparse end of the range from mapping to 0 or 1 on a
    handful of tickets.
    """
    from sklearn.isotonic import IsotonicRegression  # training only

    order = np.argsort(top, kind="stable")
    groups = [g for g in np.array_split(order, max(1, min(BINS, len(top) // per_point))) if len(g)]
    x = np.array([top[g].mean() for g in groups], dtype=np.float64)
    y = np.array([right[g].mean() for g in groups], dtype=np.float64)
    weights = np.array([len(g) for g in groups], dtype=np.float64)
    if len(groups) < 2:  # too few tickets for a shape: the one level over the whole range
        level = float(y[0]) if len(y) else 1.0
        return TopLabelMap(np.array([0.0, 1.0]), np.array([level, level]))
    # "clip": isotonic regression merges points closer than 1e-15, so a saturated model's
    # last groups (top probabilities a few ulps below 1) fall past its merged maximum,
    # where the default answers NaN and the map would fail to load.
    fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    fitted.fit(x, y, sample_weight=weights)
    smooth = np.maximum.accumulate(np.asarray(fitted.predict(x), dtype=np.float64))
    return TopLabelMap(_rounded(x), _rounded(smooth))


def _rounded(values: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(np.round(values, 6), dtype=np.float64)


def abstention_threshold(top: NDArray[np.float64], target: float = ABSTAIN_TARGET) -> float:
    """The top-class probability under which ``target`` of in-scope tickets fall."""
    return float(np.quantile(top, target)) if len(top) else 0.0


def calibrate(
    scores: NDArray[np.float64], y: NDArray[np.intp], seed: int = 0
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The card's ``calibration`` and ``abstention`` entries from held-out scores."""
    order = np.random.default_rng(seed).permutation(len(y))
    if len(y) >= 40:
        fit_on, measure_on = order[: len(y) // 2], order[len(y) // 2 :]
    else:  # too few to split: fit and measure on the same tickets (said in the card)
        fit_on = measure_on = order
    t = fit_temperature(scores[fit_on], y[fit_on])
    fit_probs = softmax(scores[fit_on] / t, axis=1)
    top_map = fit_top_label_map(fit_probs.max(axis=1), fit_probs.argmax(axis=1) == y[fit_on])
    before = softmax(scores[measure_on], axis=1)
    after = softmax(scores[measure_on] / t, axis=1)
    threshold = abstention_threshold(fit_probs.max(axis=1))
    shown = top_map(after.max(axis=1))
    calibration = {
        "method": "temperature scaling, then an isotonic map of the top-class probability",
        "temperature": round(t, 6),
        "top_label_map": {"x": top_map.x.tolist(), "y": top_map.y.tolist()},
        "fitted_on": len(fit_on),
        "measured_on": len(measure_on),
        "ece_before": round(ece(before, y[measure_on]), 6),
        "ece_temperature": round(ece(after, y[measure_on]), 6),
        "ece": round(ece(after, y[measure_on], confidence=shown), 6),
        "brier": round(brier(after, y[measure_on]), 6),
        "bins": BINS,
    }
    abstention = {
        "score": "calibrated top-class probability",
        "threshold": round(threshold, 6),
        "target": ABSTAIN_TARGET,
        "measured_rate": round(float((after.max(axis=1) < threshold).mean()), 6),
    }
    return calibration, abstention
