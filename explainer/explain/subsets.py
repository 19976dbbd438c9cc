"""What each word type of one ticket does to the scores: deleted from the message,
or kept alone. The deletion search adds these up to score sets of words.

For every word type, one sparse pass over the occurrences that touch it gives the
change of each block's unnormalised scores, squared norm and live columns when the
type is deleted (from the whole row) and when it alone is kept (from an empty one).
A set's effect is then the sum of its types' (exact when they share no feature:
words share few, their character n-grams and the word n-grams that join them), so
a search step is a little dense arithmetic instead of a re-score per candidate.
What is stated to a customer is verified with :meth:`Rerun.logits`;
tests/test_subsets.py checks single types against a fresh featurization.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from explainer.explain.rerun import Parts, Rerun
from explainer.model.weighting import tf_idf, unique_counts

__all__ = ["Side", "word_effects"]


class Side(NamedTuple):
    """Block totals (scores (…, blocks, classes), squared norms and live columns
    (…, blocks)); as deltas, one row per word type."""

    scores: NDArray[np.float64]
    squares: NDArray[np.float64]
    live: NDArray[np.float64]

    def __add__(self, other: object) -> Side:
        """Element-wise sum; totals (2, blocks, …) broadcast over changes (2, types, …)."""
        assert isinstance(other, Side)
        if other.squares.ndim > self.squares.ndim:
            return Side(
                self.scores[:, None] + other.scores,
                self.squares[:, None] + other.squares,
                self.live[:, None] + other.live,
            )
        return Side(
            self.scores + other.scores, self.squares + other.squares, self.live + other.live
        )

    def logits(self) -> NDArray[np.float64]:
        """Normalised text scores (without the fixed part): (…, classes)."""
        scale = np.where(self.live > 0.5, 1.0 / np.sqrt(np.maximum(self.squares, 1e-300)), 0.0)
        return np.asarray(np.einsum("...b,...bk->...k", scale, self.scores), dtype=np.float64)


def word_effects(rerun: Rerun, types: list[str]) -> tuple[Side, Side]:
    """Totals and each type's change, stacked: side 0 deletes from the whole row,
    side 1 keeps the type alone (from an empty row). Shapes (2, blocks, …) and
    (2, types, blocks, …)."""
    p = rerun.parts()
    index = {t: i for i, t in enumerate(types)}
    tok_type = np.array([index.get(w, -1) for w in rerun.old] + [-1], dtype=np.intp)
    n_occ, width = p.occ_tokens.shape
    ty = tok_type[p.occ_tokens]  # (occurrences, width): the type of each word spanned
    occ = np.repeat(np.arange(n_occ), width)
    flat = ty.ravel()
    # Each (type, occurrence) pair once: an n-gram with one word twice goes once.
    pairs = np.unique(flat[flat >= 0] * n_occ + occ[flat >= 0])
    cand, touched = np.divmod(pairs, n_occ)
    # Kept alone, an occurrence survives when every word it spans is of that type.
    pad = p.occ_tokens[touched] == len(rerun.old)
    alone = ((ty[touched] == cand[:, None]) | pad).all(axis=1)
    m = len(types)
    full = _totals(p, p.counts)
    gone = _changes(p, m, cand, touched, p.counts, -1.0)
    kept = _changes(p, m, cand[alone], touched[alone], np.zeros_like(p.counts), 1.0)
    empty = Side(np.zeros_like(full.scores), np.zeros_like(full.squares), np.zeros_like(full.live))
    return _stack(full, empty), _stack(gone, kept)


def _stack(a: Side, b: Side) -> Side:
    return Side(
        np.stack([a.scores, b.scores]), np.stack([a.squares, b.squares]), np.stack([a.live, b.live])
    )


def _totals(p: Parts, counts: NDArray[np.float64]) -> Side:
    u = tf_idf(counts, p.idf, p.sublinear)
    blocks = np.arange(p.n_blocks)[:, None] == p.block_of
    return Side(
        (blocks * u) @ p.weights,
        np.asarray(blocks @ (u * u), dtype=np.float64),
        np.asarray((blocks & (counts > 0)).sum(axis=1), dtype=np.float64),
    )


def _changes(
    p: Parts,
    m: int,
    cand: NDArray[np.intp],
    occ: NDArray[np.intp],
    base: NDArray[np.float64],
    sign: float,
) -> Side:
    n_cols, nb, n_classes = len(base), p.n_blocks, p.weights.shape[1]
    flat, _, change = unique_counts(cand * n_cols + p.pos[occ])
    e, c = np.divmod(flat, n_cols)
    counts = base[c] + sign * change
    u_old = tf_idf(base[c], p.idf[c], p.sublinear[c])
    u_new = tf_idf(counts, p.idf[c], p.sublinear[c])
    key = e * nb + p.block_of[c]  # ascending: columns of one block are contiguous
    cells = m * nb
    squares = np.bincount(key, weights=u_new * u_new - u_old * u_old, minlength=cells)
    live = np.bincount(key, weights=(counts > 0).astype(float) - (base[c] > 0), minlength=cells)
    scores = np.zeros((cells, n_classes))
    if key.size:
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        scores[key[starts]] = np.add.reduceat(
            (u_new - u_old)[:, None] * p.weights[c], starts, axis=0
        )
    return Side(
        scores.reshape(m, nb, n_classes),
        np.asarray(squares, dtype=np.float64).reshape(m, nb),
        np.asarray(live, dtype=np.float64).reshape(m, nb),
    )
