"""Serving featurizer: the fitted pipeline's features without pandas or Pipeline machinery.

Compiled once from a fitted pipeline. A row is the sparse TF-IDF part (columns,
values, and which tokens each column came from) plus the dense account part.
Equality with ``pipeline[:-1].transform`` is proven by tests/test_featurizer.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from explainer.text import Token, char_wb_ngrams, tokenize

__all__ = ["AccountBlock", "Featurizer", "Row", "TextBlock"]

Occurrences = dict[int, list[tuple[int, ...]]]


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
    """One ticket in feature space; text columns are sorted and unique."""

    tokens: list[Token]
    cols: NDArray[np.intp]
    vals: NDArray[np.float64]
    occurrences: Occurrences
    account: NDArray[np.float64]  # values of Featurizer.account_cols


class Featurizer:
    """Turns joined ticket text plus account fields into a :class:`Row`."""

    def __init__(self, blocks: list[TextBlock], account: list[AccountBlock], n_features: int):
        self.blocks, self.account_blocks, self.n_features = blocks, account, n_features
        self.account_cols = np.array(_account_cols(account), dtype=np.intp)
        self._char_cache: dict[tuple[int, str], list[int]] = {}

    def row(self, text: str, fields: Mapping[str, object]) -> Row:
        """Featurize one ticket; ``fields`` holds the account values the model uses."""
        tokens = tokenize(text)
        cols: list[int] = []
        vals: list[float] = []
        occ: Occurrences = {}
        for b, block in enumerate(self.blocks):
            counts = self._counts(b, block, tokens, occ)
            c, v = _tfidf(block, counts)
            cols += c
            vals += v
        order = np.argsort(np.array(cols, dtype=np.intp), kind="stable")
        c_arr = np.array(cols, dtype=np.intp)[order]
        v_arr = np.array(vals, dtype=np.float64)[order]
        return Row(tokens, c_arr, v_arr, occ, self.account_values(fields))

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

    def _counts(
        self, b: int, block: TextBlock, tokens: list[Token], occ: Occurrences
    ) -> dict[int, int]:
        counts: dict[int, int] = {}
        vocab, off = block.vocab, block.offset
        if block.kind == "word":
            lo, hi = block.ngram_range
            words = [t.text for t in tokens]
            for n in range(lo, hi + 1):
                for i in range(len(words) - n + 1):
                    j = vocab.get(" ".join(words[i : i + n]))
                    if j is not None:
                        counts[j] = counts.get(j, 0) + 1
                        occ.setdefault(off + j, []).append(tuple(range(i, i + n)))
            return counts
        for i, t in enumerate(tokens):
            for j in self._char_cols(b, block, t.text):
                counts[j] = counts.get(j, 0) + 1
                occ.setdefault(off + j, []).append((i,))
        return counts

    def _char_cols(self, b: int, block: TextBlock, word: str) -> list[int]:
        # A word's character n-grams never change: cache their columns per word.
        key = (b, word)
        hit = self._char_cache.get(key)
        if hit is None:
            lo, hi = block.ngram_range
            grams = char_wb_ngrams(word, lo, hi)
            hit = [j for g in grams if (j := block.vocab.get(g)) is not None]
            if len(self._char_cache) < 200_000:
                self._char_cache[key] = hit
        return hit


def _tfidf(block: TextBlock, counts: dict[int, int]) -> tuple[list[int], list[float]]:
    if not counts:
        return [], []
    idx = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    if block.sublinear:
        tf = np.log(tf) + 1.0
    v = tf * block.idf[idx]
    v /= np.sqrt(np.dot(v, v))
    return (idx + block.offset).tolist(), v.tolist()


def _account_cols(blocks: list[AccountBlock]) -> list[int]:
    cols: list[int] = []
    for block in blocks:
        cols += list(block.columns.values()) if block.columns is not None else [block.column]
    return cols
