"""Exact SHAP attributions of a linear model's contrastive log-odds margin.

For a linear score the interventional SHAP value of feature i against a single
baseline point b is exactly ``phi_i = w_i * (x_i - b_i)`` (Lundberg & Lee 2017, linear
case). We explain the margin between the chosen label c and the runner-up r,
``logit_c - logit_r = log(p_c / p_r)``, so ``w = W[:, c] - W[:, r]``. Text features have
baseline 0 (an empty message), so only the row's non-zero text columns contribute.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from explainer.model.featurizer import Row
from explainer.model.linear import LinearModel, softmax

__all__ = ["METHOD", "OUTPUT_SPACE", "MarginAttribution", "explain_row"]

METHOD = "exact-linear"
OUTPUT_SPACE = "log-odds margin"


class MarginAttribution(NamedTuple):
    """SHAP values of one row for the margin ``label`` minus ``contrast`` (log-odds)."""

    label: int
    contrast: int
    probabilities: NDArray[np.float64]
    base_value: float
    output_value: float
    text_values: NDArray[np.float64]  # aligned with row.cols
    account_values: NDArray[np.float64]  # aligned with featurizer.account_cols

    @property
    def additivity_error(self) -> float:
        """``output_value - (base_value + sum of values)``: rounding only, ~1e-16."""
        total = self.base_value + float(self.text_values.sum()) + float(self.account_values.sum())
        return self.output_value - total


def explain_row(
    model: LinearModel, row: Row, w_rows: NDArray[np.float64] | None = None
) -> MarginAttribution:
    """Classify ``row`` and attribute the chosen-vs-runner-up margin exactly.

    ``w_rows`` may hold ``model.coef_t[row.cols]`` when the caller gathered it already.
    """
    acc = model.featurizer.account_cols
    # One gather of the row's weights serves the scores, the attributions and re-runs.
    w_rows = model.coef_t[row.cols] if w_rows is None else w_rows
    a_rows = model.coef_t[acc]
    logits = model.intercept + row.vals @ w_rows + row.account @ a_rows
    probs = softmax(logits)
    order = (-logits).argsort(kind="stable")
    c, r = int(order[0]), int(order[1])
    w_text = w_rows[:, c] - w_rows[:, r]
    w_acc = a_rows[:, c] - a_rows[:, r]
    base = float(model.intercept[c] - model.intercept[r] + w_acc @ model.baseline_account)
    return MarginAttribution(
        label=c,
        contrast=r,
        probabilities=probs,
        base_value=base,
        output_value=float(logits[c] - logits[r]),
        text_values=w_text * row.vals,
        account_values=w_acc * (row.account - model.baseline_account),
    )
