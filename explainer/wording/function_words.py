"""Function words of the languages we quote: never a reason, never a phrase's edge.

The lists are data files beside this module (``function_words/*.txt``): the Snowball
stop word lists for en, de, fr, es and pt, each naming its source, plus this project's
short list of greetings (``extra``), less the words that carry meaning in a support
message (``content``: question words, negations, phrasal-verb particles). One set
serves every ticket: a ticket's language is often not given, and a function word of
one of these languages is seldom what a message in another is about.
"""

from __future__ import annotations

from importlib.resources import files

__all__ = ["FUNCTION_WORDS", "LANGUAGES", "is_function_word", "telling"]

LANGUAGES = ("en", "de", "fr", "es", "pt")


def _load(name: str) -> set[str]:
    text = files(__package__).joinpath("function_words", f"{name}.txt").read_text("utf-8")
    return {w.strip().lower() for w in text.splitlines() if w.strip() and w[0] != "#"}


FUNCTION_WORDS = frozenset(
    set().union(*(_load(n) for n in (*LANGUAGES, "extra"))) - _load("content")
)


def is_function_word(word: str) -> bool:
    """Whether the lower-cased ``word`` is a function word of a language we quote."""
    return word in FUNCTION_WORDS


def telling(word: str) -> bool:
    """Whether a lower-cased token may be quoted as a reason on its own."""
    return word not in FUNCTION_WORDS
