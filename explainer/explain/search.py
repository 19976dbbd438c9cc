"""Which words and account facts carry a decision: a greedy search over deletions.

A reason should be what the decision rests on, measured on the model itself: the
words whose deletion takes most of the chosen label's probability away
(comprehensiveness, DeYoung et al. 2020). Each step deletes, in turn, every remaining
candidate together with the picks so far (one vectorised re-score of the ticket's
own row, :meth:`Rerun.word_deltas`) and keeps the one that lowers the label's
probability most. An account fact is a candidate too: resetting it to the baseline
moves the scores by its exact attribution.

Candidates are restricted to what a true reason can say: word types whose own
attribution pushes toward the label and that are not function words, and account
fields the customer gave whose attribution pushes toward the label.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from explainer.explain.attribution import MarginAttribution
from explainer.explain.rerun import Rerun
from explainer.model.featurizer import Row
from explainer.model.linear import LinearModel

__all__ = ["MAX_PICKS", "Pick", "account_shifts", "greedy_deletions"]

MAX_PICKS = 5


class Pick(NamedTuple):
    """One step of the search: the word (lower-cased) or account field it deleted."""

    key: str
    kind: str  # "text" or "account"
    probability: float  # the label's probability once this and every earlier pick went


def greedy_deletions(
    rerun: Rerun,
    label: int,
    token_values: Sequence[float],
    account_shifts: dict[str, tuple[float, NDArray[np.float64]]],
    telling: Callable[[str], bool],
    limit: int = MAX_PICKS,
) -> list[Pick]:
    """Up to ``limit`` picks, in the order the search took them.

    ``token_values`` are the tokens' attributions toward ``label``; ``account_shifts``
    maps a given account field to its attribution and the change of every class score
    when it is reset to the baseline.
    """
    keys = rerun.old
    by_key: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        by_key.setdefault(k, []).append(i)
    words = [k for k, at in by_key.items() if telling(k) and sum(token_values[i] for i in at) > 0]
    fields = [f for f, (v, _) in account_shifts.items() if v > 0]
    if not words and not fields:
        return []
    # Each word's own deletion, once; a set's effect is the sum of its words' (exact
    # when they share no feature, and words share few: their character n-grams).
    scores, squares, alive = rerun.totals(*rerun.word_deltas([by_key[w] for w in words]))
    n_classes = len(rerun.model.classes)
    moves = np.array([account_shifts[f][1] for f in fields]).reshape(len(fields), n_classes)
    fixed = rerun.fixed.copy()  # the account part moves as fields are reset
    now = (rerun.scores, rerun.squares, rerun.alive)  # the totals with the picks so far deleted
    text_now = rerun.combine_totals(*(a[None] for a in now))[0]
    n = len(words)
    live = np.ones(n + len(fields), dtype=bool)
    probs = np.empty(n + len(fields))
    picks: list[Pick] = []
    while len(picks) < limit and live.any():
        logits = rerun.combine_totals(scores, squares, alive) + fixed
        probs[:n] = _probability(logits, label)
        if fields:
            probs[n:] = _probability(text_now + fixed + moves, label)
        probs[~live] = np.inf
        best = int(np.argmin(probs))
        live[best] = False
        if best < n:
            # The other candidates are now deleted together with this one.
            after = (scores[best], squares[best], alive[best])
            scores = scores + (after[0] - now[0])
            squares = squares + (after[1] - now[1])
            alive = alive + (after[2] - now[2])
            now = after
            text_now = logits[best] - fixed
            picks.append(Pick(words[best], "text", float(probs[best])))
        else:
            fixed = fixed + moves[best - n]
            picks.append(Pick(fields[best - n], "account", float(probs[best])))
    return picks


def _probability(logits: NDArray[np.float64], label: int) -> NDArray[np.float64]:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(z[:, label] / z.sum(axis=1), dtype=np.float64)


def account_shifts(
    model: LinearModel, row: Row, attr: MarginAttribution, given: Container[str]
) -> dict[str, tuple[float, NDArray[np.float64]]]:
    """Each given account field: its attribution, and the scores' change at its baseline."""
    weights = model.coef_t[model.featurizer.account_cols]
    out: dict[str, tuple[float, NDArray[np.float64]]] = {}
    k = 0
    for block in model.featurizer.account_blocks:
        width = len(block.columns) if block.columns is not None else 1
        at = slice(k, k + width)
        k += width
        if block.field in given:
            diff = row.account[at] - model.baseline_account[at]
            out[block.field] = (float(attr.account_values[at].sum()), -(diff @ weights[at]))
    return out
