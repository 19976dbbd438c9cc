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

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from explainer.explain.rerun import Parts, Rerun
from explainer.model.weighting import tf_idf, unique_counts

__all__ = ["Edits", "Side", "text_edits", "word_effects"]


class Side(NamedTuple):
    """Block totals (scores (…, blocks, classes), squared norms and live columns
    (…, blocks)); as deltas, one row per word type."""

    scores: NDArray[np.float64]
    squares: NDArray[np.float64]
    live: NDArray[np.float64]

    def with_each(self, changes: Side) -> Side:
        """These totals (2, blocks, …) with each type's change (2, types, blocks, …)."""
        return Side(
            self.scores[:, None] + changes.scores,
            self.squares[:, None] + changes.squares,
            self.live[:, None] + changes.live,
        )

    def with_type(self, changes: Side, t: int) -> Side:
        """These totals (2, blocks, …) with type ``t``'s change applied for good."""
        return Side(
            self.scores + changes.scores[:, t],
            self.squares + changes.squares[:, t],
            self.live + changes.live[:, t],
        )

    def logits(self) -> NDArray[np.float64]:
        """Normalised text scores (without the fixed part): (…, classes)."""
        scale = np.where(self.live > 0.5, 1.0 / np.sqrt(np.maximum(self.squares, 1e-300)), 0.0)
        return np.asarray(np.einsum("...b,...bk->...k", scale, self.scores), dtype=np.float64)


class _Counts(NamedTuple):
    """Each word type's column changes on one side, before the weights: which cells
    (type, block) they fall in and how they move the norms."""

    columns: NDArray[np.intp]
    starts: NDArray[np.intp]  # where each (type, block) cell's run begins
    cells: NDArray[np.intp]  # the cell of each run
    du: NDArray[np.float64]  # each column's change of TF-IDF weight
    squares: NDArray[np.float64]  # (types, blocks)
    live: NDArray[np.float64]  # (types, blocks)


class Edits(NamedTuple):
    """One ticket's candidate word types and what each does to the columns; free of
    any model's weights, so models that read the same text features share it."""

    types: list[str]
    tok_type: NDArray[np.intp]  # each token's candidate type, -1 for none
    content: NDArray[np.bool_]  # per type: not a function word
    inside: NDArray[np.bool_]  # per token: a function word that may join a phrase
    gone: _Counts
    kept: _Counts


def text_edits(rerun: Rerun, telling: Callable[[str], bool], joinable: Sequence[bool]) -> Edits:
    """The candidates of :func:`~explainer.explain.search.greedy_deletions` and their
    column changes. Only words that may be quoted are candidates: words that are not
    function words, and a function word between two of them ("use my card")."""
    old = rerun.old
    said = [telling(w) for w in old]
    inside = [
        0 < i < len(old) - 1
        and not said[i]
        and said[i - 1]
        and said[i + 1]
        and joinable[i]
        and joinable[i + 1]
        for i in range(len(old))
    ]
    types = list(dict.fromkeys(w for w, a, b in zip(old, said, inside, strict=True) if a or b))
    index = {t: i for i, t in enumerate(types)}
    tok_type = np.array([index.get(w, -1) for w in old] + [-1], dtype=np.intp)
    p = rerun.parts()
    ty = tok_type[p.occ_tokens]  # (occurrences, width): the type of each word spanned
    # Each (type, occurrence) pair once: an n-gram with one word twice goes once.
    first = ty >= 0
    for k in range(1, ty.shape[1]):
        first[:, k] &= (ty[:, :k] != ty[:, k : k + 1]).all(axis=1)
    touched, at = first.nonzero()
    cand = ty[touched, at]
    # Kept alone, an occurrence survives when every word it spans is of that type.
    pad = p.occ_tokens[touched] == len(old)
    alone = ((ty[touched] == cand[:, None]) | pad).all(axis=1)
    m = len(types)
    return Edits(
        types,
        tok_type[:-1],
        np.array([telling(t) for t in types], dtype=bool),
        np.array(inside, dtype=bool),
        _counts(p, m, cand, touched, p.counts, -1.0),
        _counts(p, m, cand[alone], touched[alone], np.zeros_like(p.counts), 1.0),
    )


def word_effects(rerun: Rerun, edits: Edits) -> tuple[Side, Side]:
    """Totals and each type's change under this model's weights, stacked: side 0
    deletes from the whole row, side 1 keeps the type alone (from an empty row).
    Shapes (2, blocks, …) and (2, types, blocks, …)."""
    p = rerun.parts()
    full = Side(p.scores, p.squares, p.live)
    empty = Side(np.zeros_like(full.scores), np.zeros_like(full.squares), np.zeros_like(full.live))
    m, nb, k = len(edits.types), p.n_blocks, p.weights.shape[1]
    scores = np.zeros((2, m * nb, k))
    for side, counts in enumerate((edits.gone, edits.kept)):
        if counts.columns.size:
            moved = counts.du[:, None] * p.weights[counts.columns]
            scores[side, counts.cells] = np.add.reduceat(moved, counts.starts, axis=0)
    return (
        Side(
            np.stack([full.scores, empty.scores]),
            np.stack([full.squares, empty.squares]),
            np.stack([full.live, empty.live]),
        ),
        Side(
            scores.reshape(2, m, nb, k),
            np.stack([edits.gone.squares, edits.kept.squares]),
            np.stack([edits.gone.live, edits.kept.live]),
        ),
    )


def _counts(
    p: Parts,
    m: int,
    cand: NDArray[np.intp],
    occ: NDArray[np.intp],
    base: NDArray[np.float64],
    sign: float,
) -> _Counts:
    n_cols, nb = len(base), p.n_blocks
    flat, _, change = unique_counts(cand * n_cols + p.pos[occ])
    e, c = np.divmod(flat, n_cols)
    counts = base[c] + sign * change
    u_old = tf_idf(base[c], p.idf[c], p.sublinear[c])
    u_new = tf_idf(counts, p.idf[c], p.sublinear[c])
    key = e * nb + p.block_of[c]  # ascending: columns of one block are contiguous
    cells = m * nb
    squares = np.bincount(key, weights=u_new * u_new - u_old * u_old, minlength=cells)
    live = np.bincount(key, weights=(counts > 0).astype(float) - (base[c] > 0), minlength=cells)
    starts = np.flatnonzero(np.diff(key, prepend=-1))
    return _Counts(
        c,
        starts,
        key[starts],
        u_new - u_old,
        np.asarray(squares, dtype=np.float64).reshape(m, nb),
        np.asarray(live, dtype=np.float64).reshape(m, nb),
    )
