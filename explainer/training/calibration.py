"""Temperature scaling, calibration error and the abstention threshold, fitted at train time.

Temperature scaling (Guo et al. 2017) divides every class score by one scalar T fitted
to minimise the negative log-likelihood of held-out labels. Dividing a linear model's
weights and intercepts by T keeps it linear, so the exact attributions of the margin
simply scale by 1/T and additivity still holds; the label never changes.

The held-out tickets are split in two (seeded): T and the abstention threshold are fitted
on one half and every figure the card reports is measured on the other.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

__all__ = [
    "ABSTAIN_TARGET",
    "BINS",
    "abstention_threshold",
    "brier",
    "calibrate",
    "ece",
    "fit_temperature",
    "scores_of",
]

BINS = 15
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


def ece(probs: NDArray[np.float64], y: NDArray[np.intp], bins: int = BINS) -> float:
    """Expected calibration error of the top-class probability, equal-width bins."""
    top = probs.max(axis=1)
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
    before = softmax(scores[measure_on], axis=1)
    after = softmax(scores[measure_on] / t, axis=1)
    threshold = abstention_threshold(softmax(scores[fit_on] / t, axis=1).max(axis=1))
    calibration = {
        "method": "temperature scaling",
        "temperature": round(t, 6),
        "fitted_on": len(fit_on),
        "measured_on": len(measure_on),
        "ece_before": round(ece(before, y[measure_on]), 6),
        "ece": round(ece(after, y[measure_on]), 6),
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
