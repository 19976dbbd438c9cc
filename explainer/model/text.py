"""Our tokenizer with offsets, and the n-gram analyzers the vectorizers are fitted with.

sklearn's analyzers give no offsets, so the vectorizers are fitted with these
analyzers and the serving featurizer reuses the same tokens: every feature can be
traced back to the exact characters of the redacted message it came from.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "CharWbNgrams",
    "Token",
    "WordNgrams",
    "field_span",
    "join_fields",
    "tokenize",
    "words",
]

# Placeholders left by redaction are matched first and skipped: they carry no
# features, so no explanation can ever quote one.
_TOKEN_RE = re.compile(r"\[(?:EMAIL|PHONE|CARD|IBAN|IP|NAME)\]|\w\w+")


class Token(NamedTuple):
    """A word of the model text: ``[start, end)`` offsets and its lower-cased form."""

    # A NamedTuple, not a frozen dataclass: tokenizing builds one per word on every
    # request, and a tuple is built about twice as fast (the serving path's hot loop).
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into lower-cased word tokens of two or more word characters."""
    return [
        Token(m.start(), m.end(), g.lower())
        for m in _TOKEN_RE.finditer(text)
        if (g := m.group())[0] != "["
    ]


def words(text: str) -> list[str]:
    """The token texts of :func:`tokenize` alone: the re-run path needs no offsets."""
    return [g.lower() for g in _TOKEN_RE.findall(text) if g[0] != "["]


def join_fields(subject: str, body: str) -> str:
    """The single text the models read: subject, a newline, body."""
    return f"{subject}\n{body}"


def field_span(subject_len: int, start: int, end: int) -> tuple[str, int, int]:
    """Map an offset range of the joined text to a ``(field, start, end)`` triple."""
    if end <= subject_len:
        return ("subject", start, end)
    return ("body", start - subject_len - 1, end - subject_len - 1)


def word_ngrams(words: list[str], min_n: int, max_n: int) -> list[str]:
    """Word n-grams joined by single spaces, shortest first (sklearn's order)."""
    out = list(words) if min_n == 1 else []
    for n in range(max(min_n, 2), max_n + 1):
        out += [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    return out


def char_wb_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """Character n-grams of one space-padded word, as sklearn's ``char_wb`` makes them."""
    w = f" {word} "
    out = []
    for n in range(min_n, max_n + 1):
        if n >= len(w):  # a short word is counted once, whole
            out.append(w)
            break
        out += [w[i : i + n] for i in range(len(w) - n + 1)]
    return out


class WordNgrams:
    """Picklable analyzer: word n-grams over :func:`tokenize`."""

    def __init__(self, min_n: int = 1, max_n: int = 2) -> None:
        self.min_n, self.max_n = min_n, max_n

    def __call__(self, text: str) -> list[str]:
        return word_ngrams([t.text for t in tokenize(text)], self.min_n, self.max_n)


class CharWbNgrams:
    """Picklable analyzer: character n-grams that stay inside each token."""

    def __init__(self, min_n: int = 2, max_n: int = 5) -> None:
        self.min_n, self.max_n = min_n, max_n

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        for t in tokenize(text):
            out += char_wb_ngrams(t.text, self.min_n, self.max_n)
        return out
