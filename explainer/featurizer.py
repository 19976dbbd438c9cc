"""Serving featurizer: the fitted pipeline's features without pandas or Pipeline machinery.

Compiled once from a fitted pipeline. A row is the sparse TF-IDF part (columns,
values, and which tokens each column came from) plus the dense account part.
Equality with ``pipeline[:-1].transform`` is proven by tests/test_featurizer.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from explainer.text import Token, char_wb_ngrams, tokenize

__all__ = ["AccountBlock", "Featurizer", "Row", "TextBlock"]

_EMPTY_I = np.zeros(0, dtype=np.intp)
# One block's occurrences: global columns, the token each piece covers, the piece's
# share of the occurrence, and whether this piece also counts the occurrence.
_Occ = tuple[NDArray[np.intp], NDArray[np.intp], float, bool]


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


@dataclass(frozen=True)
class Row:
    """One ticket in feature space; text columns are sorted and unique.

    The ``occ_*`` arrays trace every feature occurrence back to tokens: one entry per
    (occurrence, word it covers), with ``occ_weight`` the word's share (1/n for a word
    n-gram, 1 for a character n-gram); ``counts`` is each column's occurrence count.
    """

    tokens: list[Token]
    cols: NDArray[np.intp]
    vals: NDArray[np.float64]
    counts: NDArray[np.float64]
    occ_cols: NDArray[np.intp]
    occ_token: NDArray[np.intp]
    occ_weight: NDArray[np.float64]
    account: NDArray[np.float64]  # values of Featurizer.account_cols


class Featurizer:
    """Turns joined ticket text plus account fields into a :class:`Row`."""

    def __init__(self, blocks: list[TextBlock], account: list[AccountBlock], n_features: int):
        self.blocks, self.account_blocks, self.n_features = blocks, account, n_features
        self.account_cols = np.array(_account_cols(account), dtype=np.intp)
        self._char_cache: dict[tuple[int, str], NDArray[np.intp]] = {}

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
            return replace(like, account=self.account_values(fields))
        tokens = tokenize(text) if tokens is None else tokens
        cols, vals, counts = [], [], []
        occ: list[_Occ] = []
        for b, block in enumerate(self.blocks):
            if block.kind == "word":
                found = self._word_occ(block, tokens)
            else:
                found = self._char_occ(b, block, tokens)
            firsts = [c for c, _, _, first in found if first]
            uniq, cnt = np.unique(_cat(firsts), return_counts=True)
            if uniq.size:  # blocks come in column order, so the concatenation stays sorted
                cols.append(uniq)
                vals.append(_tfidf(block, uniq, cnt))
                counts.append(cnt.astype(np.float64))
            occ += found
        weights = [np.full(len(c), w) for c, _, w, _ in occ]
        return Row(
            tokens,
            _cat(cols),
            _catf(vals),
            _catf(counts),
            _cat([o[0] for o in occ]),
            _cat([o[1] for o in occ]),
            _catf(weights),
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
            self.blocks, self._char_cache = other.blocks, other._char_cache
        return same

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

    def _word_occ(self, block: TextBlock, tokens: list[Token]) -> list[_Occ]:
        """Word n-gram occurrences: for each n, columns and the token each piece covers."""
        words = [t.text for t in tokens]
        lo, hi = block.ngram_range
        out: list[_Occ] = []
        for n in range(lo, hi + 1):
            hits = [
                (j, i)
                for i in range(len(words) - n + 1)
                if (j := block.vocab.get(" ".join(words[i : i + n]))) is not None
            ]
            if not hits:
                continue
            js = np.array([j for j, _ in hits], dtype=np.intp) + block.offset
            starts = np.array([i for _, i in hits], dtype=np.intp)
            # Each word of the n-gram gets a 1/n share; the first piece also counts it once.
            out += [(js, starts + k, 1.0 / n, k == 0) for k in range(n)]
        return out

    def _char_occ(self, b: int, block: TextBlock, tokens: list[Token]) -> list[_Occ]:
        arrays = [self._char_cols(b, block, t.text) for t in tokens]
        if not arrays:
            return []
        lengths = np.fromiter((len(a) for a in arrays), dtype=np.intp, count=len(arrays))
        token_of = np.repeat(np.arange(len(arrays), dtype=np.intp), lengths)
        return [(_cat(arrays), token_of, 1.0, True)]

    def _char_cols(self, b: int, block: TextBlock, word: str) -> NDArray[np.intp]:
        # A word's character n-grams never change: cache their global columns per word.
        key = (b, word)
        hit = self._char_cache.get(key)
        if hit is None:
            lo, hi = block.ngram_range
            grams = char_wb_ngrams(word, lo, hi)
            hit = (
                np.array([j for g in grams if (j := block.vocab.get(g)) is not None], dtype=np.intp)
                + block.offset
            )
            if len(self._char_cache) < 200_000:
                self._char_cache[key] = hit
        return hit


def _cat(parts: list[NDArray[np.intp]]) -> NDArray[np.intp]:
    return np.concatenate(parts) if parts else _EMPTY_I


def _catf(parts: list[NDArray[np.float64]]) -> NDArray[np.float64]:
    return np.concatenate(parts) if parts else np.zeros(0)


def _tfidf(
    block: TextBlock, cols: NDArray[np.intp], counts: NDArray[np.intp]
) -> NDArray[np.float64]:
    tf = counts.astype(np.float64)
    if block.sublinear:
        tf = np.log(tf) + 1.0
    v = tf * block.idf[cols - block.offset]
    return np.asarray(v / np.sqrt(np.dot(v, v)), dtype=np.float64)


def _account_cols(blocks: list[AccountBlock]) -> list[int]:
    cols: list[int] = []
    for block in blocks:
        cols += list(block.columns.values()) if block.columns is not None else [block.column]
    return cols
