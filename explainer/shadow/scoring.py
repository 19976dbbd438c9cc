"""Score one partition of stored decisions with two model sets: sufficient statistics only.

A partition's result is a :class:`Stats` (sums keyed by tuples), so partitions
merge by addition in any order (on one core or across a Dask cluster) and the driver
never holds a row per decision. Every decision is re-decided and re-explained exactly
(the same featurizer and linear attributions as serving), without the wording search:
the report compares labels, confidence and attributions, not sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from explainer.explain.attribution import explain_row
from explainer.explain.grouping import Layout, group_attributions
from explainer.handoff.rules import abstention
from explainer.model.linear import LinearModel
from explainer.model.text import join_fields, tokenize
from explainer.shadow.items import ShadowItem, held_out

__all__ = ["ATTRIBUTES", "BINS", "SIDES", "Outcome", "Stats", "score_partition"]

SIDES = ("current", "candidate")
ATTRIBUTES = ("language", "region", "plan")
BINS = 15  # as the model cards' ECE (explainer.training.calibration)
NOT_GIVEN = "(not given)"

Models = Mapping[str, LinearModel]


class Stats(dict[tuple[Any, ...], float]):
    """Sums keyed by tuples; a missing key reads 0 (and is not added)."""

    def __missing__(self, key: tuple[Any, ...]) -> float:
        return 0.0

    def merge(self, other: Mapping[tuple[Any, ...], float]) -> Stats:
        """Add ``other``'s sums into these (in place); returns self."""
        for key, value in other.items():
            self[key] = self.get(key, 0.0) + value
        return self


Outcome = tuple[str, float, bool, str | None]  # label, confidence, abstained, top reason


def score_partition(
    items: Iterable[ShadowItem], current: Models, candidate: Models, erased: int = 0
) -> Stats:
    """The partition's statistics (see :mod:`explainer.shadow.summary` for their use)."""
    out = Stats()
    out[("erased",)] += erased
    names = sorted(set(current) & set(candidate))
    for item in items:
        out[("n",)] += 1
        text = join_fields(item.subject, item.body)
        tokens = tokenize(text)
        layout = Layout.of(tokens, text, len(item.subject))
        groups = {a: _group(getattr(item, a)) for a in ATTRIBUTES}
        for a, g in groups.items():
            out[("g_n", a, g)] += 1
        for name in names:
            seen = {
                side: _outcome(models[name], text, tokens, layout, item.fields, out, side)
                for side, models in (("current", current), ("candidate", candidate))
            }
            _count(out, name, item, seen, groups)
    return out


def _outcome(
    model: LinearModel,
    text: str,
    tokens: list[Any],
    layout: Layout,
    fields: Mapping[str, Any],
    out: Stats,
    side: str,
) -> Outcome:
    row = model.row(text, {**model.baseline_fields, **fields}, tokens)
    attr = explain_row(model, row)
    probs = attr.probabilities
    label = model.classes[attr.label]
    given = {k: v for k, v in fields.items() if k in model.account_fields}
    top = None
    for g in group_attributions(model, row, attr, layout, given):
        key = g.feature if g.kind == "text" else str(g.field)
        out[("importance", side, model.name, key)] += abs(g.value)
        if top is None and g.value > 0:
            top = key
    abstained = abstention(model, probs.tolist()) is not None
    return label, model.confidence(float(probs[attr.label])), abstained, top


def _count(
    out: Stats,
    name: str,
    item: ShadowItem,
    seen: dict[str, Outcome],
    groups: dict[str, str],
) -> None:
    cur, cand = seen["current"], seen["candidate"]
    out[("label_n", name, cur[0])] += 1
    if cur[0] == cand[0]:
        out[("agree", name, cur[0])] += 1
    if cur[3] != cand[3]:
        out[("top_changed", name)] += 1
    truth = item.reviewed_intent if name == "intent" else item.reviewed_priority
    if not held_out(item.id):
        truth = None  # a candidate may have learnt from it: no fair test
    if truth is not None:
        out[("reviewed", name)] += 1
    for side, (label, conf, abstained, _) in seen.items():
        out[("pred", side, name, label)] += 1
        out[("abstained", side, name)] += abstained
        right = truth is not None and label == truth
        if truth is not None:
            out[("correct", side, name)] += right
            b = min(max(int(np.ceil(conf * BINS)) - 1, 0), BINS - 1)  # (lo, hi] bins
            out[("ece_n", side, name, b)] += 1
            out[("ece_conf", side, name, b)] += conf
            out[("ece_right", side, name, b)] += right
        for a, g in groups.items():
            out[("g_label", side, name, a, g, label)] += 1
            out[("g_conf", side, name, a, g)] += conf
            out[("g_abstained", side, name, a, g)] += abstained
            if truth is not None:
                out[("g_reviewed", side, name, a, g)] += 1
                out[("g_correct", side, name, a, g)] += right


def _group(value: str | None) -> str:
    return NOT_GIVEN if value is None or value == "" else str(value)
