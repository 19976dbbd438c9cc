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

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from explainer.model.featurizer import Row
from explainer.model.linear import LinearModel
from explainer.model.text import words
from explainer.model.weighting import tf_idf

__all__ = ["Parts", "Rerun", "kept_positions"]


class Parts(NamedTuple):
    """A ticket's occurrences and columns, as edits of its word types need them."""

    occ_tokens: NDArray[np.intp]  # (occurrences, longest n-gram): token positions, padded
    pos: NDArray[np.intp]  # each occurrence's column index in the row
    counts: NDArray[np.float64]
    idf: NDArray[np.float64]
    sublinear: NDArray[np.bool_]
    block_of: NDArray[np.intp]
    n_blocks: int
    weights: NDArray[np.float64]  # (columns, classes)
    scores: NDArray[np.float64]  # the whole row's unnormalised block scores (blocks, classes)
    squares: NDArray[np.float64]  # its blocks' squared norms
    live: NDArray[np.float64]  # its blocks' columns present


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
        self._asked: dict[tuple[str, ...], NDArray[np.float64]] = {}

    @property
    def weights(self) -> NDArray[np.float64]:
        """The row's weights, ``model.coef_t[row.cols]``: gathered once per ticket."""
        return self._weights

    def predict(self, text: str) -> str:
        """The model's label for ``text``, an edit of the ticket's joined text."""
        return self.model.classes[int(np.argmax(self.logits(text)))]

    def logits(self, text: str) -> NDArray[np.float64]:
        """Class scores of the edited text (equal to a fresh featurization's).

        Remembered per token sequence: a reason's check and the counterfactual often
        ask for the same edit. The array returned is read-only.
        """
        new = words(text)
        return self._scores_of(new, kept_positions(self.old, new))

    def without(self, gone: set[int]) -> NDArray[np.float64]:
        """Class scores once the tokens at positions ``gone`` are deleted: what
        :meth:`logits` gives for that edit's text, without reading the text again."""
        kept = [i for i in range(len(self.old)) if i not in gone]
        return self._scores_of([self.old[i] for i in kept], kept)

    def _scores_of(self, new: list[str], kept: list[int] | None) -> NDArray[np.float64]:
        key = tuple(new)
        if (known := self._asked.get(key)) is not None:
            return known
        if kept is None:  # not a deletion of whole tokens
            cols, vals = self.model.featurizer.vector(new)
            out = np.asarray(self._fixed + vals @ self.model.coef_t[cols], dtype=np.float64)
        elif len(kept) == len(self.old):  # nothing deleted: the row's own scores
            out = np.asarray(self._fixed + self._scale() @ self._scores, dtype=np.float64)
        else:
            out = self._updated(new, kept)
        out.setflags(write=False)
        self._asked[key] = out
        return out

    def _scale(self) -> NDArray[np.float64]:
        return np.where(self._alive > 0, 1.0 / np.sqrt(np.maximum(self._squares, 1e-300)), 0.0)

    def parts(self) -> Parts:
        """What :class:`~explainer.explain.subsets.Subsets` updates scores from."""
        return Parts(
            self._occ_tokens(),
            self._pos,
            self.row.counts,
            self._idf,
            self._sublinear,
            self._block_of,
            self._n_blocks,
            self._weights,
            np.asarray(self._scores, dtype=np.float64),
            np.asarray(self._squares, dtype=np.float64),
            np.asarray(self._alive, dtype=np.float64),
        )

    def _occ_tokens(self) -> NDArray[np.intp]:
        if self._occ_tok is None:
            width = int((self._end - self._start).max(initial=1))
            tok = self._start[:, None] + np.arange(width)
            self._occ_tok = np.where(tok < self._end[:, None], tok, len(self.old))
        return self._occ_tok

    @property
    def fixed(self) -> NDArray[np.float64]:
        """The scores' part that no text edit changes: intercept and account fields."""
        return np.asarray(self._fixed, dtype=np.float64)

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
