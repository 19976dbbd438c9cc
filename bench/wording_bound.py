"""The best ERASER scores any reason set the wording's rules allow could reach.

A reason quotes a phrase that neither begins nor ends with a function word, so a
function word can only be quoted inside a phrase, between quoted words that are not
function words. For a short ticket every set of at most five distinct words can be
tried (sets of function words alone are few, so it is the ticket's other words that
set the cost): each set the rules allow is scored by featurizing the edited texts afresh, and
the best comprehensiveness and the best comprehensiveness minus sufficiency per budget
are kept (each on its own, so this bounds any search, whatever order it takes words in).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from explainer.wording.function_words import telling

__all__ = ["MAX_TYPES", "allowed", "best"]

MAX_TYPES = 32  # every banking77 test ticket; longer tickets would take minutes each


def allowed(words: set[str], tokens: Sequence[str]) -> bool:
    """Whether a reason set could quote exactly ``words`` of ``tokens``."""
    return all(telling(w) or _inside(w, words, tokens) for w in words)


def _inside(word: str, words: set[str], tokens: Sequence[str]) -> bool:
    """Whether some occurrence of ``word`` has a quotable word on each side, with only
    quoted words between."""
    return any(
        t == word
        and _reaches(words, tokens, range(i - 1, -1, -1))
        and _reaches(words, tokens, range(i + 1, len(tokens)))
        for i, t in enumerate(tokens)
    )


def _reaches(words: set[str], tokens: Sequence[str], walk: range) -> bool:
    for j in walk:
        if tokens[j] not in words:
            return False
        if telling(tokens[j]):
            return True
    return False


def best(
    probabilities: Callable[[list[str]], NDArray[np.float64]],
    tokens: Sequence[str],
    label: int,
    budgets: Sequence[int],
) -> dict[int, tuple[float, float]] | None:
    """Per budget, the best comprehensiveness and the best c-s of an allowed set.

    ``probabilities`` maps texts to each class's probability. None when the ticket has
    more than :data:`MAX_TYPES` distinct words (too many sets to try).
    """
    types = list(dict.fromkeys(tokens))
    if len(types) > MAX_TYPES:
        return None
    sets = [
        set(s)
        for k in range(1, max(budgets) + 1)
        for s in itertools.combinations(types, k)
        if allowed(set(s), tokens)
    ]
    full = float(probabilities([" ".join(tokens)])[0, label])
    if not sets:
        return {b: (0.0, -full) for b in budgets}  # nothing quotable: the empty set
    texts = []
    for s in sets:
        texts += [
            " ".join(t for t in tokens if t not in s),
            " ".join(t for t in tokens if t in s),
        ]
    p = probabilities(texts)[:, label].reshape(-1, 2)
    comp, suff = full - p[:, 0], full - p[:, 1]
    sizes = np.array([len(s) for s in sets])
    out = {}
    for b in budgets:
        fits = sizes <= b
        out[b] = (float(comp[fits].max()), float((comp - suff)[fits].max()))
    return out
