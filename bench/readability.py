"""Reading ease of customer text: Flesch (English) and Amstad (German).

Syllables come from pyphen's bundled hyphenation dictionaries (a word's hyphenation
points plus one), so nothing is downloaded; sentences end at ., ! or ?.
"""

from __future__ import annotations

import re
from functools import cache

import pyphen

__all__ = ["amstad_reading_ease", "flesch_reading_ease"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


@cache
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=lang)


def _counts(text: str, lang: str) -> tuple[int, int, int]:
    words = _WORD.findall(text)
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    dic = _dictionary(lang)
    syllables = sum(len(dic.positions(w.lower())) + 1 for w in words)
    return sentences, len(words), syllables


def flesch_reading_ease(text: str) -> float:
    """206.835 - 1.015 * words per sentence - 84.6 * syllables per word."""
    sentences, words, syllables = _counts(text, "en_US")
    if not words:
        return 100.0
    return 206.835 - 1.015 * words / sentences - 84.6 * syllables / words


def amstad_reading_ease(text: str) -> float:
    """Amstad's German Flesch: 180 - words per sentence - 58.5 * syllables per word."""
    sentences, words, syllables = _counts(text, "de_DE")
    if not words:
        return 100.0
    return 180.0 - words / sentences - 58.5 * syllables / words
