"""Re-score one ticket after words are deleted, from the ticket's own feature row.

The counterfactual deletes a few words and asks the model again. Deleting words
changes only the features that touch them, the n-grams newly formed across each
gap, and each block's norm, so the new scores are the old row updated: no
re-featurizing, and the row's weights are gathered once for every re-run. Features
depend on the token sequence alone, so any edit whose tokens are the old tokens with
some left out is handled exactly; anything else (a deletion inside a word) takes the
full path. tests/test_rerun.py proves both give the same scores.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from explainer.model.featurizer import Row
from explainer.model.linear import LinearModel
from explainer.model.text import words
from explainer.model.weighting import tf_idf

__all__ = ["Rerun", "kept_positions"]


class Rerun:
    """One model's answers for edits of one ticket, from that ticket's feature row."""

    def __init__(
        self, model: LinearModel, row: Row, weights: NDArray[np.float64] | None = None
    ) -> None:
        """``weights`` may hold ``model.coef_t[row.cols]`` when the caller has it."""
        self.model, self.row = model, row
        self.old = [t.text for t in row.tokens]
        featurizer = model.featurizer
        acc = featurizer.account_cols
        self._fixed = model.intercept + (row.account @ model.coef_t[acc] if acc.size else 0.0)
        self._weights = model.coef_t[row.cols] if weights is None else weights
        self._block_of = featurizer.block_of(row.cols)
        self._n_blocks = len(featurizer.blocks)
        # Occurrences (the first piece of each): the words they span and their column.
        first = row.occ_token == row.occ_first
        self._start = row.occ_first[first]
        self._end = self._start + np.rint(1.0 / row.occ_weight[first]).astype(np.intp)
        self._pos = row.occ_pos[first]
        # Per column and per block: what edits update instead of re-featurizing.
        self._idf = featurizer.idf_of(row.cols)
        self._sublinear = featurizer.sublinear_of(self._block_of)
        self._u = self._unnormalised(np.arange(len(row.cols)), row.counts)
        self._blocks = np.arange(self._n_blocks)[:, None]
        one_hot = self._block_of == self._blocks
        self._alive = one_hot.sum(axis=1)
        self._squares = one_hot @ (self._u * self._u)
        self._scores = (one_hot * self._u) @ self._weights  # (blocks, classes)
        self._none_removed = np.ones(len(self.old) + 1, dtype=np.intp)
        self._word_blocks = [b for b in featurizer.blocks if b.kind == "word"]
        self._occ_tok: NDArray[np.intp] | None = None

    @property
    def weights(self) -> NDArray[np.float64]:
        """The row's weights, ``model.coef_t[row.cols]``: gathered once per ticket."""
        return self._weights

    def predict(self, text: str) -> str:
        """The model's label for ``text``, an edit of the ticket's joined text."""
        return self.model.classes[int(np.argmax(self.logits(text)))]

    def logits(self, text: str) -> NDArray[np.float64]:
        """Class scores of the edited text (equal to a fresh featurization's)."""
        new = words(text)
        kept = kept_positions(self.old, new)
        if kept is None:  # not a deletion of whole tokens
            cols, vals = self.model.featurizer.vector(new)
            return np.asarray(self._fixed + vals @ self.model.coef_t[cols], dtype=np.float64)
        return self._updated(new, kept)

    def word_deltas(
        self, positions: list[list[int]]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Per edit and block, the change of scores (edits, blocks, classes), of squared
        norm and of live columns when each group of token ``positions`` alone is deleted.

        Every feature a deleted word carried goes and each block's norm is updated; the
        word n-grams that newly form across the gap are left out (the search ranks with
        this; what is stated to a customer is verified with :meth:`logits`). The groups
        must not overlap (the search deletes one word type per edit): then
        an occurrence is touched by at most as many edits as it has words, which is
        cheaper to find than scanning every occurrence for every edit.
        """
        at = np.full(len(self.old) + 1, -1, dtype=np.intp)  # the last slot: no token
        for j, where in enumerate(positions):
            at[where] = j
        slots = at[self._occ_tokens()]  # (occurrences, longest n-gram)
        for s in range(1, slots.shape[1]):  # an n-gram with one word twice goes once
            slots[:, s][(slots[:, :s] == slots[:, s : s + 1]).any(axis=1)] = -1
        occ, slot = (slots >= 0).nonzero()
        return self._deltas(len(positions), slots[occ, slot], occ)

    def _occ_tokens(self) -> NDArray[np.intp]:
        if self._occ_tok is None:
            width = int((self._end - self._start).max(initial=1))
            tok = self._start[:, None] + np.arange(width)
            self._occ_tok = np.where(tok < self._end[:, None], tok, len(self.old))
        return self._occ_tok

    def _deltas(
        self, m: int, edit: NDArray[np.intp], occ: NDArray[np.intp]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        n_cols, n_blocks = len(self.row.cols), self._n_blocks
        lost = np.bincount(edit * n_cols + self._pos[occ], minlength=m * n_cols)
        # Only the (edit, column) pairs that lost something change: work on those alone.
        flat = lost.nonzero()[0]  # sorted, so edits ascend and, within one, blocks do
        e, c = np.divmod(flat, n_cols)
        counts = self.row.counts[c] - lost[flat]
        u_new, u_old = self._unnormalised(c, counts), self._u[c]
        key = e * n_blocks + self._block_of[c]
        cells = m * n_blocks
        squares = np.bincount(key, weights=u_new * u_new - u_old * u_old, minlength=cells)
        alive = np.bincount(key, weights=counts <= 0, minlength=cells)
        scores = np.zeros((cells, len(self.model.classes)))
        if key.size:
            starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            scores[key[starts]] = np.add.reduceat(
                (u_new - u_old)[:, None] * self._weights[c], starts, axis=0
            )
        shape = (m, n_blocks)
        return (
            scores.reshape(*shape, len(self.model.classes)),
            np.asarray(squares, dtype=np.float64).reshape(shape),
            -np.asarray(alive, dtype=np.float64).reshape(shape),
        )

    @property
    def fixed(self) -> NDArray[np.float64]:
        """The scores' part that no text edit changes: intercept and account fields."""
        return np.asarray(self._fixed, dtype=np.float64)

    @property
    def scores(self) -> NDArray[np.float64]:
        """Each block's unnormalised class scores, (blocks, classes)."""
        return np.asarray(self._scores, dtype=np.float64)

    @property
    def squares(self) -> NDArray[np.float64]:
        """Each block's squared norm before normalisation."""
        return np.asarray(self._squares, dtype=np.float64)

    @property
    def alive(self) -> NDArray[np.float64]:
        """Each block's number of columns present."""
        return np.asarray(self._alive, dtype=np.float64)

    def totals(
        self, scores: NDArray[np.float64], squares: NDArray[np.float64], alive: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """The edited rows' block totals from their :meth:`deltas`."""
        return self._scores + scores, self._squares + squares, self._alive + alive

    @staticmethod
    def combine_totals(
        scores: NDArray[np.float64], squares: NDArray[np.float64], alive: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Normalised text scores (without the fixed part) from block totals."""
        scale = np.where(alive > 0, 1.0 / np.sqrt(np.maximum(squares, 1e-300)), 0.0)
        return np.asarray(np.einsum("mb,mbk->mk", scale, scores), dtype=np.float64)

    def _updated(self, new: list[str], kept: list[int]) -> NDArray[np.float64]:
        row = self.row
        removed = self._none_removed.copy()
        removed[kept] = 0
        before = removed.cumsum() - removed  # removed words before each position
        # An occurrence goes when any word it spans went.
        gone = self._pos[before[self._end] > before[self._start]]
        lost = np.bincount(gone, minlength=len(row.cols)).astype(np.float64)
        fresh: list[int] = []
        if bridging := self._bridging(new, kept):
            # An n-gram the row already has just counts again (tf is not additive).
            at = row.cols.searchsorted(bridging).tolist()
            last = len(row.cols) - 1
            found = row.cols[np.minimum(at, last)].tolist() if last >= 0 else [-1] * len(at)
            for col, i, there in zip(bridging, at, found, strict=True):
                if i <= last and there == col:
                    lost[i] -= 1.0
                else:
                    fresh.append(col)
        changed = lost.nonzero()[0]
        counts = row.counts[changed] - lost[changed]
        u_new, u_old = self._unnormalised(changed, counts), self._u[changed]
        one_hot = self._block_of[changed] == self._blocks
        alive = self._alive + one_hot @ ((counts > 0).astype(np.intp) - 1)
        squares = self._squares + one_hot @ (u_new * u_new - u_old * u_old)
        scores = self._scores + (one_hot * (u_new - u_old)) @ self._weights[changed]
        if fresh:
            extra, n_extra = np.unique(np.array(fresh, dtype=np.intp), return_counts=True)
            featurizer = self.model.featurizer
            u_x = featurizer.unnormalised(extra, n_extra.astype(np.float64))
            one_hot_x = featurizer.block_of(extra) == self._blocks
            alive = alive + one_hot_x.sum(axis=1)
            squares = squares + one_hot_x @ (u_x * u_x)
            scores = scores + (one_hot_x * u_x) @ self.model.coef_t[extra]
        # An emptied block contributes nothing: its scores are rounding residue.
        scale = np.where(alive > 0, 1.0 / np.sqrt(np.maximum(squares, 1e-300)), 0.0)
        return np.asarray(self._fixed + scale @ scores, dtype=np.float64)

    def _unnormalised(
        self, at: NDArray[np.intp], counts: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """TF times IDF of the row's columns ``at`` with new ``counts`` (0 gives 0)."""
        return tf_idf(counts, self._idf[at], self._sublinear[at])

    def _bridging(self, new: list[str], kept: list[int]) -> list[int]:
        """Columns of word n-grams that span a deletion: new in the edited text."""
        gaps = [g for g in range(len(kept) - 1) if kept[g + 1] != kept[g] + 1]
        found: list[int] = []
        for block in self._word_blocks:
            lo, hi = block.ngram_range
            for n in range(max(lo, 2), hi + 1):
                starts = {j for g in gaps for j in range(max(0, g - n + 2), g + 1)}
                for j in sorted(starts):
                    if j + n > len(new):
                        continue
                    if (c := block.vocab.get(" ".join(new[j : j + n]))) is not None:
                        found.append(c + block.offset)
        return found


def kept_positions(old: list[str], new: list[str]) -> list[int] | None:
    """Positions in ``old`` whose words, in order, are ``new``; None when there are none."""
    kept: list[int] = []
    i, n = 0, len(old)
    for w in new:
        while i < n and old[i] != w:
            i += 1
        if i == n:
            return None
        kept.append(i)
        i += 1
    return kept
