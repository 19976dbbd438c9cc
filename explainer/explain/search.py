"""Which words and account facts carry a decision: a greedy search over deletions.

A reason should be what the decision rests on, measured on the model itself
(DeYoung et al. 2020): deleting the quoted words should take much of the chosen
label's probability away (comprehensiveness) and the quoted words alone should keep
much of it (low sufficiency). Each step tries every remaining candidate together with
the picks so far, scoring ``SUFFICIENCY_WEIGHT * p(only the picks) - p(without the
picks)`` for the label from each word type's precomputed effect
(:func:`~explainer.explain.subsets.word_effects`), and keeps the best. Weighing the
kept side less keeps the first reasons the ones whose deletion matters most; 0.4 was
chosen on held-out tickets with bench.wording (docs/benchmarks.md).

Candidates are what a reason may quote: word types that are not function words, a
function word only where it sits inside a phrase of picked words ("use my card"),
and account fields the customer gave (resetting one to its baseline moves the scores
by its exact attribution). Whether a candidate's own attribution points to the label
does not matter here: a reason states the effect of its deletion, which is checked
on exactly that edit before it is shown.
"""

from __future__ import annotations

from collections.abc import Container
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from explainer.explain.rerun import Rerun
from explainer.explain.subsets import Edits, word_effects
from explainer.model.featurizer import Row
from explainer.model.linear import LinearModel

__all__ = ["MAX_PICKS", "SUFFICIENCY_WEIGHT", "Pick", "account_shifts", "greedy_deletions"]

MAX_PICKS = 5
SUFFICIENCY_WEIGHT = 0.4


class Pick(NamedTuple):
    """One step of the search: the word (lower-cased) or account field it deleted."""

    key: str
    kind: str  # "text" or "account"
    probability: float  # the label's probability once this and every earlier pick went


def greedy_deletions(
    rerun: Rerun,
    label: int,
    account_shifts: dict[str, NDArray[np.float64]],
    edits: Edits,
    limit: int = MAX_PICKS,
) -> list[Pick]:
    """Up to ``limit`` picks, in the order the search took them.

    ``account_shifts`` maps each given account field to the change of every class
    score when it is reset to the baseline; ``edits`` are the ticket's candidate words
    (:func:`~explainer.explain.subsets.text_edits`, shared by models that read the
    same text features).
    """
    types, tok_type, content = edits.types, edits.tok_type, edits.content
    fields = list(account_shifts)
    if not types and not fields:
        return []
    # Side 0: the picks deleted; side 1: only the picks kept. ``by``: each type's change.
    now, by = word_effects(rerun, edits)
    moves = np.array([account_shifts[f] for f in fields]).reshape(len(fields), len(rerun.fixed))
    open_ = np.ones(len(types) + len(fields), dtype=bool)
    deleted = np.zeros(len(tok_type) + 1, dtype=bool)  # the last slot: past the end
    fixed = np.stack([rerun.fixed, rerun.fixed])  # side 0's account part moves as fields reset
    picks: list[Pick] = []
    n = len(types)
    while len(picks) < limit:
        may = open_.copy()
        may[:n] &= content
        between = edits.inside.copy()
        between[1:-1] &= deleted[:-3] & deleted[2:-1]
        may[tok_type[between]] = open_[tok_type[between]]
        if not may.any():
            break
        text = _probability(now.with_each(by).logits() + fixed[:, None], label)  # (2, types)
        base = now.logits() + fixed
        accounts = _probability(base[0] + moves, label)
        p_gone = np.concatenate([text[0], accounts])
        kept_alone = float(_probability(base[1], label))
        score = SUFFICIENCY_WEIGHT * np.concatenate([text[1], np.full(len(fields), kept_alone)])
        score -= p_gone
        score[~may] = -np.inf
        best = int(np.argmax(score))
        open_[best] = False
        if best < n:
            now = now.with_type(by, best)
            deleted[:-1] |= tok_type == best
            picks.append(Pick(types[best], "text", float(p_gone[best])))
        else:
            fixed[0] += moves[best - n]
            picks.append(Pick(fields[best - n], "account", float(p_gone[best])))
    return picks


def _probability(logits: NDArray[np.float64], label: int) -> NDArray[np.float64]:
    z = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return np.asarray(z[..., label] / z.sum(axis=-1), dtype=np.float64)


def account_shifts(
    model: LinearModel, row: Row, given: Container[str]
) -> dict[str, NDArray[np.float64]]:
    """Each given account field: the scores' change when it is reset to the baseline."""
    weights = model.coef_t[model.featurizer.account_cols]
    out: dict[str, NDArray[np.float64]] = {}
    k = 0
    for block in model.featurizer.account_blocks:
        width = len(block.columns) if block.columns is not None else 1
        at = slice(k, k + width)
        k += width
        if block.field in given:
            diff = row.account[at] - model.baseline_account[at]
            out[block.field] = -(diff @ weights[at])
    return out
