"""TF-IDF weighting and counting on sparse column arrays, shared by rows and re-runs."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["tf_idf", "unique_counts"]


def tf_idf(
    counts: NDArray[np.float64], idf: NDArray[np.float64], sublinear: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Term frequency (1 + log count where sublinear) times IDF; a count of 0 gives 0.

    The one place the vectorizers' weighting is written down: rows, re-run vectors and
    the counterfactual's incremental update all use it.
    """
    safe = np.maximum(counts, 1.0)
    tf = np.where(sublinear, np.log(safe) + 1.0, safe)
    return np.asarray(np.where(counts > 0, tf * idf, 0.0), dtype=np.float64)


def unique_counts(
    values: NDArray[np.intp],
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """Sorted unique values, where each value landed, and how often each occurs.

    What ``np.unique(..., return_inverse=True, return_counts=True)`` returns, without
    its Python-level bookkeeping, which costs more than the sort on a ticket's few
    hundred columns (this runs on every decision).
    """
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    uniq = ordered[keep]
    inverse = uniq.searchsorted(values)
    return uniq, inverse, np.bincount(inverse, minlength=len(uniq)).astype(np.float64)
