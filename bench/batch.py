"""Ours on a batch: exact margin attributions for many tickets at once (sparse, vectorised)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from explainer.explain.attribution import explain_row
from explainer.model.linear import LinearModel


def margins(
    model: LinearModel, texts: Sequence[str], fields: Sequence[Mapping[str, Any]]
) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """Text SHAP values (rows x features, sparse), account values and the additivity error.

    The same quantity as ``explain_row`` (chosen label vs runner-up, log-odds), for
    every row at once: featurize each ticket, stack, one sparse product for the scores,
    one gather for the weights.
    """
    rows = [model.row(t, f) for t, f in zip(texts, fields, strict=True)]
    lengths = np.array([r.cols.size for r in rows])
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.concatenate([r.cols for r in rows])
    data = np.concatenate([r.vals for r in rows])
    x = csr_matrix((data, indices, indptr), shape=(len(rows), model.featurizer.n_features))
    acc = model.featurizer.account_cols
    a = np.stack([r.account for r in rows]) if acc.size else np.zeros((len(rows), 0))
    w_acc = model.coef_t[acc]
    logits = x @ model.coef_t + a @ w_acc + model.intercept
    order = np.argsort(-logits, axis=1, kind="stable")
    c, r = order[:, 0], order[:, 1]
    rc, rr = np.repeat(c, lengths), np.repeat(r, lengths)
    phi = csr_matrix(
        (data * (model.coef_t[indices, rc] - model.coef_t[indices, rr]), indices, indptr),
        shape=x.shape,
    )
    phi_acc = (w_acc[:, c] - w_acc[:, r]).T * (a - model.baseline_account)
    n = np.arange(len(rows))
    base = (
        model.intercept[c]
        - model.intercept[r]
        + np.einsum("ij,j->i", (w_acc[:, c] - w_acc[:, r]).T, model.baseline_account)
    )
    output = logits[n, c] - logits[n, r]
    error = output - (base + np.asarray(phi.sum(axis=1)).ravel() + phi_acc.sum(axis=1))
    return phi, phi_acc, error


def check(model: LinearModel, texts: Sequence[str], fields: Sequence[Mapping[str, Any]]) -> float:
    """Largest difference between the batch values and ``explain_row`` (should be ~1e-16)."""
    phi, phi_acc, _ = margins(model, texts, fields)
    worst = 0.0
    for i, (t, f) in enumerate(zip(texts, fields, strict=True)):
        row = model.row(t, f)
        attr = explain_row(model, row)
        dense = phi[i].toarray().ravel()
        worst = max(worst, float(np.max(np.abs(dense[row.cols] - attr.text_values), initial=0)))
        worst = max(worst, float(np.max(np.abs(phi_acc[i] - attr.account_values), initial=0)))
    return worst
