"""Serving featurizer: the fitted pipeline's features without pandas or Pipeline machinery.

Compiled once from a fitted pipeline. A row is the sparse TF-IDF part (columns,
values, and which tokens each column came from) plus the dense account part.
Equality with ``pipeline[:-1].transform`` is proven by tests/test_featurizer.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from explainer.model.text import Token, char_wb_ngrams, tokenize
from explainer.model.weighting import tf_idf, unique_counts

__all__ = ["AccountBlock", "Featurizer", "Row", "TextBlock"]

_EMPTY_I = np.zeros(0, dtype=np.intp)


@dataclass(frozen=True)
class TextBlock:
    """One fitted TF-IDF vectorizer placed at ``offset`` in the feature space."""

    kind: str  # "word" or "char"
    vocab: Mapping[str, int]
    idf: NDArray[np.float64]
    offset: int
    ngram_range: tuple[int, int]
    sublinear: bool


@dataclass(frozen=True)
class AccountBlock:
    """Account-field columns: one-hot categories or a log1p + standardised number."""

    field: str
    columns: Mapping[str, int] | None = None  # categorical: value -> column
    column: int = -1  # numeric: its column
    mean: float = 0.0
    scale: float = 1.0


class Row(NamedTuple):
    """One ticket in feature space; text columns are sorted and unique.

    The ``occ_*`` arrays trace every feature occurrence back to tokens: one entry per
    (occurrence, word it covers): ``occ_pos`` indexes ``cols``, ``occ_weight`` is the
    word's share (1/n for a word n-gram, 1 for a character n-gram) and ``occ_first`` the
    occurrence's first word. ``counts`` is each column's occurrence count.
    """

    tokens: list[Token]
    cols: NDArray[np.intp]
    vals: NDArray[np.float64]
    counts: NDArray[np.float64]
    occ_pos: NDArray[np.intp]
    occ_token: NDArray[np.intp]
    occ_weight: NDArray[np.float64]
    occ_first: NDArray[np.intp]
    account: NDArray[np.float64]  # values of Featurizer.account_cols


class Featurizer:
    """Turns joined ticket text plus account fields into a :class:`Row`."""

    def __init__(self, blocks: list[TextBlock], account: list[AccountBlock], n_features: int):
        self.blocks, self.account_blocks, self.n_features = blocks, account, n_features
        self.account_cols = np.array(_account_cols(account), dtype=np.intp)
        self._word_cache: dict[str, NDArray[np.intp]] = {}
        self._index_blocks()

    def _index_blocks(self) -> None:
        # Flat per-column arrays for the re-run path: one gather instead of a loop per block.
        blocks = self.blocks
        self._starts = np.array([b.offset for b in blocks], dtype=np.intp)
        self._idf = np.concatenate([b.idf for b in blocks]) if blocks else np.zeros(0)
        self._sublinear = np.array([b.sublinear for b in blocks], dtype=bool)
        if any(b.offset != sum(len(a.idf) for a in blocks[:k]) for k, b in enumerate(blocks)):
            raise ValueError("text blocks must fill the first columns in order")

    def row(
        self,
        text: str,
        fields: Mapping[str, object],
        tokens: list[Token] | None = None,
        like: Row | None = None,
    ) -> Row:
        """Featurize one ticket; ``fields`` holds the account values the model uses.

        ``tokens`` may be passed when the caller already tokenized ``text``; ``like``
        is another featurizer's row of the same text whose text part is reused when
        :meth:`shares_text_with` holds (both models read the same vocabulary).
        """
        if like is not None:
            return like._replace(account=self.account_values(fields))
        tokens = tokenize(text) if tokens is None else tokens
        words = [t.text for t in tokens]
        singles = self._singles(words)
        multi = [
            h for block in self.blocks if block.kind == "word" for h in _multiword(block, words)
        ]
        cols, vals, counts, inverse = self._tfidf(_cat([*singles, *(js for _, js, _ in multi)]))
        # Pieces: a word's own columns all trace to it with weight 1; an n-gram
        # occurrence is traced to each of its n words with a 1/n share.
        lengths = np.fromiter(map(len, singles), dtype=np.intp, count=len(singles))
        own = np.arange(len(words), dtype=np.intp).repeat(lengths)
        n_own = len(own)
        pos, token, weight, first = [inverse[:n_own]], [own], [np.ones(n_own)], [own]
        done = n_own
        for n, js, starts in multi:
            at = inverse[done : done + len(js)]
            done += len(js)
            for k in range(n):
                pos.append(at)
                token.append(starts + k)
                weight.append(np.full(len(js), 1.0 / n))
                first.append(starts)
        return Row(
            tokens,
            cols,
            vals,
            counts,
            _cat(pos),
            _cat(token),
            _catf(weight),
            _cat(first),
            self.account_values(fields),
        )

    def shares_text_with(self, other: Featurizer) -> bool:
        """True when both produce identical text columns (same vocabularies and weights)."""
        return self.blocks is other.blocks

    def adopt_text_blocks(self, other: Featurizer) -> bool:
        """Share ``other``'s text blocks when they are equal to ours; return whether shared."""
        same = len(self.blocks) == len(other.blocks) and all(
            a.kind == b.kind
            and a.offset == b.offset
            and a.ngram_range == b.ngram_range
            and a.sublinear == b.sublinear
            and a.vocab == b.vocab
            and np.array_equal(a.idf, b.idf)
            for a, b in zip(self.blocks, other.blocks, strict=True)
        )
        if same:
            self.blocks, self._word_cache = other.blocks, other._word_cache
            self._index_blocks()
        return same

    def vector(self, words: list[str]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """Text columns and values of a token sequence, with no tracing back to tokens.

        The counterfactual re-runs need only the model's answer, so this path skips the
        occurrence arrays :meth:`row` builds; tests prove both give the same values.
        """
        parts = self._singles(words)
        parts += [
            js
            for block in self.blocks
            if block.kind == "word"
            for _, js, _ in _multiword(block, words)
        ]
        cols, vals, _, _ = self._tfidf(_cat(parts))
        return cols, vals

    def _singles(self, words: list[str]) -> list[NDArray[np.intp]]:
        cache = self._word_cache
        return [cache[w] if w in cache else self._per_word(w) for w in words]

    def _tfidf(
        self, occurrences: NDArray[np.intp]
    ) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
        """Sorted unique columns, their TF-IDF values (L2 per block), counts, and where
        each occurrence landed among the columns."""
        uniq, inverse, counts = unique_counts(occurrences)
        return uniq, self.values(uniq, counts), counts, inverse

    def values(self, cols: NDArray[np.intp], counts: NDArray[np.float64]) -> NDArray[np.float64]:
        """TF-IDF values of sorted unique text columns with these counts (all above 0)."""
        block_of = self.block_of(cols)
        v = tf_idf(counts, self._idf[cols], self._sublinear[block_of])
        norms = np.sqrt(np.bincount(block_of, weights=v * v, minlength=len(self.blocks)))
        return np.asarray(v / norms[block_of], dtype=np.float64)

    def idf_of(self, cols: NDArray[np.intp]) -> NDArray[np.float64]:
        """The IDF weight of each text column."""
        return np.asarray(self._idf[cols], dtype=np.float64)

    def sublinear_of(self, block_of: NDArray[np.intp]) -> NDArray[np.bool_]:
        """Whether each block index (see :meth:`block_of`) uses sublinear term frequency."""
        return np.asarray(self._sublinear[block_of], dtype=np.bool_)

    def block_of(self, cols: NDArray[np.intp]) -> NDArray[np.intp]:
        """The text block each column belongs to."""
        return self._starts.searchsorted(cols, side="right") - 1

    def unnormalised(
        self, cols: NDArray[np.intp], counts: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """TF times IDF before the per-block norm; a count of 0 gives 0."""
        return tf_idf(counts, self._idf[cols], self._sublinear[self.block_of(cols)])

    def account_values(self, fields: Mapping[str, object]) -> NDArray[np.float64]:
        """Dense values of the account columns for ``fields``."""
        out: list[float] = []
        for block in self.account_blocks:
            value = fields.get(block.field)
            if block.columns is not None:
                out += [1.0 if str(value) == cat else 0.0 for cat in block.columns]
            else:
                number = float(value) if value is not None else 0.0  # type: ignore[arg-type]
                out.append((float(np.log1p(number)) - block.mean) / block.scale)
        return np.array(out, dtype=np.float64)

    def _per_word(self, word: str) -> NDArray[np.intp]:
        """Columns one word brings on its own: its unigram and its character n-grams."""
        cols: list[NDArray[np.intp]] = []
        for block in self.blocks:
            if block.kind != "word":
                cols.append(_char_cols(block, word))
            elif block.ngram_range[0] == 1 and (j := block.vocab.get(word)) is not None:
                cols.append(np.array([j + block.offset], dtype=np.intp))
        hit = _cat(cols)
        # A word's columns never change: cache them (bounded) across requests.
        if len(self._word_cache) < 200_000:
            self._word_cache[word] = hit
        return hit


def _char_cols(block: TextBlock, word: str) -> NDArray[np.intp]:
    lo, hi = block.ngram_range
    grams = char_wb_ngrams(word, lo, hi)
    found = [j for g in grams if (j := block.vocab.get(g)) is not None]
    return np.array(found, dtype=np.intp) + block.offset


def _multiword(
    block: TextBlock, words: list[str]
) -> list[tuple[int, NDArray[np.intp], NDArray[np.intp]]]:
    """Word n-grams of two or more words: (n, global columns, start token) per n."""
    lo, hi = block.ngram_range
    vocab, out = block.vocab, []
    for n in range(max(lo, 2), hi + 1):
        hits = [
            (j, i)
            for i in range(len(words) - n + 1)
            if (j := vocab.get(" ".join(words[i : i + n]))) is not None
        ]
        if hits:
            js, starts = zip(*hits, strict=True)
            out.append(
                (n, np.array(js, dtype=np.intp) + block.offset, np.array(starts, dtype=np.intp))
            )
    return out


def _cat(parts: list[NDArray[np.intp]]) -> NDArray[np.intp]:
    return np.concatenate(parts) if parts else _EMPTY_I


def _catf(parts: list[NDArray[np.float64]]) -> NDArray[np.float64]:
    return np.concatenate(parts) if parts else np.zeros(0)


def _account_cols(blocks: list[AccountBlock]) -> list[int]:
    cols: list[int] = []
    for block in blocks:
        cols += list(block.columns.values()) if block.columns is not None else [block.column]
    return cols
