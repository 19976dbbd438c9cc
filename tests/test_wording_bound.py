"""The bench's bound on what reasons may quote follows the quoting rule exactly."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the bench lives beside tests

from bench.wording_bound import allowed, best

TOKENS = ["please", "top", "up", "my", "card", "my", "balance"]


def test_a_function_word_is_allowed_only_inside_a_phrase_of_quoted_words() -> None:
    assert allowed({"card"}, TOKENS)
    assert not allowed({"my"}, TOKENS)
    assert not allowed({"my", "card"}, TOKENS)  # "my card": the phrase would begin with "my"
    assert allowed({"up", "my", "card"}, TOKENS)  # "up my card": "my" sits inside
    assert not allowed({"please", "top"}, TOKENS)  # "please" only at an edge


def _fake(texts: list[str]) -> np.ndarray:
    """Class 1's probability grows with "card" and "balance"; "my" counts a little."""
    out = []
    for t in texts:
        words = t.split()
        z = 2.0 * ("card" in words) + 1.0 * ("balance" in words) + 0.5 * ("my" in words)
        p = 1 / (1 + np.exp(-(z - 1.0)))
        out.append([1 - p, p])
    return np.array(out)


def test_the_bound_only_grows_with_the_budget_and_never_quotes_a_bare_function_word() -> None:
    got = best(_fake, TOKENS, 1, (1, 2, 3, 5))
    assert got is not None
    comps = [got[b][0] for b in (1, 2, 3, 5)]
    assert comps == sorted(comps)
    full = float(_fake([" ".join(TOKENS)])[0, 1])
    without_card = float(_fake([" ".join(t for t in TOKENS if t != "card")])[0, 1])
    assert got[1][0] == full - without_card  # the best single word is "card"
    # "my" alone would also take probability away, but it can never be quoted alone, and
    # with "card" and "balance" the best two-word set is those two.
    two = float(_fake([" ".join(t for t in TOKENS if t not in {"card", "balance"})])[0, 1])
    assert got[2][0] == full - two


def test_a_ticket_with_too_many_distinct_words_is_not_tried() -> None:
    many = [f"word{i}" for i in range(40)]
    assert best(_fake, many, 1, (1,)) is None
