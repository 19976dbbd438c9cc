"""Fairness across customer groups: rates, confidence, contests, accuracy, explanation quality.

Pure domain code (no Flask, no database): summary rows in, a :class:`FairnessReport`
out. One row per stored decision, with the keys

- the audit attributes (``language``, ``region``, ``plan``; ``None`` when not given),
- ``intent`` / ``priority`` (predicted labels) and ``intent_confidence`` /
  ``priority_confidence``,
- ``contested`` (the customer asked for a human review),
- ``handoff`` (a person must act), ``abstained`` (the model was out of scope or
  unsure), ``sensitive`` and ``opted_out`` (see explainer.handoff.rules),
- ``reviewed_intent`` / ``reviewed_priority`` (the labels a reviewer confirmed or
  corrected; ``None`` when nobody reviewed it),
- ``reasons`` (number of reasons shown), ``coverage`` (sum of the shown reasons'
  values over the explained output, see :func:`explanation_quality`) and
  ``counterfactual`` (a verified what-would-change-it sentence was available).

Multi-class outcomes are handled one-vs-rest: for every label ``c`` the rate of
``label == c`` per group (fairlearn's ``MetricFrame`` with ``selection_rate``).
Each cell is compared with the best-off group of its row (the highest value among
groups large enough to count); a ratio under :data:`FOUR_FIFTHS` is flagged. For
the contest rate the favourable outcome is *not* contesting, so the ratio compares
``1 - rate``. Groups with fewer than ``min_group`` decisions (reviewed decisions
for accuracy) say "too few" and take no part in the comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, selection_rate

from explainer.oversight.report import (
    ATTRIBUTES,
    FOUR_FIFTHS,
    MIN_GROUP,
    MODELS,
    NOT_GIVEN,
    AttributeReport,
    Cell,
    FairnessReport,
    MetricRow,
)

__all__ = ["fairness_report", "metric_row"]


def fairness_report(
    rows: Sequence[Mapping[str, Any]],
    attributes: Sequence[str] = ATTRIBUTES,
    min_group: int = MIN_GROUP,
) -> FairnessReport:
    """The report over ``rows`` (see the module docstring for their keys)."""
    frame = _frame(rows, attributes)
    reviewed = int(frame[[f"reviewed_{m}" for m in MODELS]].notna().any(axis=1).sum())
    return FairnessReport(
        total=len(frame),
        reviewed=reviewed,
        min_group=min_group,
        attributes=[_attribute(frame, a, min_group) for a in attributes],
    )


def _frame(rows: Sequence[Mapping[str, Any]], attributes: Sequence[str]) -> pd.DataFrame:
    columns = [
        *attributes,
        *MODELS,
        *(f"{m}_confidence" for m in MODELS),
        "contested",
        *_HANDOFF,
        *(f"reviewed_{m}" for m in MODELS),
        "reasons",
        "coverage",
        "counterfactual",
    ]
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)
    for a in attributes:
        frame[a] = [NOT_GIVEN if pd.isna(v) or v == "" else str(v) for v in frame[a]]
    for c in ("contested", "counterfactual", *_HANDOFF):
        frame[c] = frame[c].fillna(False).astype(bool)
    for c in ("reasons", "coverage", "intent_confidence", "priority_confidence"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame


def _attribute(frame: pd.DataFrame, attribute: str, min_group: int) -> AttributeReport:
    sizes = frame[attribute].value_counts()
    groups = sorted(sizes.index, key=lambda g: (-int(sizes[g]), g))
    reviewed_any = frame[[f"reviewed_{m}" for m in MODELS]].notna().any(axis=1)
    reviewed = frame[reviewed_any][attribute].value_counts()
    ctx = _Ctx(frame, attribute, groups, {g: int(sizes[g]) for g in groups}, min_group)
    sections = {
        "Priority levels": _label_rates(ctx, "priority"),
        "Intents": _label_rates(ctx, "intent"),
        "Confidence and contests": [
            ctx.mean("intent_confidence", "Mean intent confidence"),
            ctx.mean("priority_confidence", "Mean priority confidence"),
            _contest_rate(ctx),
        ],
        "Hand-offs to a person": [
            _handoff_rate(ctx, "handoff", "Handed to a person (any reason)"),
            _handoff_rate(ctx, "abstained", "Model abstained (out of scope or unsure)"),
            _handoff_rate(ctx, "sensitive", "Sensitive topic"),
            _handoff_rate(ctx, "opted_out", "Customer opted out"),
        ],
        "Accuracy where reviewed": [_accuracy(ctx, m) for m in MODELS],
        "Explanation quality": [
            ctx.mean("reasons", "Reasons shown per decision"),
            ctx.mean("coverage", "Share of the output the shown reasons cover", "share"),
            ctx.rate_of("counterfactual", "Counterfactual available"),
        ],
    }
    return AttributeReport(
        attribute=attribute,
        groups=groups,
        sizes=ctx.sizes,
        reviewed={g: int(reviewed.get(g, 0)) for g in groups},
        sections=sections,
    )


@dataclass(frozen=True)
class _Ctx:
    frame: pd.DataFrame
    attribute: str
    groups: list[str]
    sizes: dict[str, int]
    min_group: int

    def row(
        self,
        metric: str,
        label: str,
        kind: str,
        values: Mapping[str, float | None],
        counts: Mapping[str, int] | None = None,
        favourable: Callable[[float], float] = float,
    ) -> MetricRow:
        """Cells with ratios to the best-off large-enough group (``favourable`` maps values)."""
        return metric_row(
            metric,
            label,
            kind,
            self.groups,
            values,
            counts or self.sizes,
            self.min_group,
            favourable,
        )

    def mean(self, column: str, label: str, kind: str = "mean") -> MetricRow:
        """The mean of a numeric column per group (missing values left out)."""
        means = self.frame.groupby(self.attribute)[column].mean()
        return self.row(column, label, kind, {g: _num(means.get(g)) for g in self.groups})

    def rate_of(self, column: str, label: str) -> MetricRow:
        """The share of True in a boolean column per group."""
        rates = self.frame.groupby(self.attribute)[column].mean()
        return self.row(column, label, "rate", {g: _num(rates.get(g)) for g in self.groups})


def metric_row(
    metric: str,
    label: str,
    kind: str,
    groups: Sequence[str],
    values: Mapping[str, float | None],
    counts: Mapping[str, int],
    min_group: int = MIN_GROUP,
    favourable: Callable[[float], float] = float,
) -> MetricRow:
    """One metric across groups: each large-enough group's value compared with the
    best-off one (after ``favourable``), flagged under four fifths of it."""
    big = {
        g: favourable(v)
        for g, v in values.items()
        if v is not None and not np.isnan(v) and counts.get(g, 0) >= min_group
    }
    best = max(big.values(), default=None)
    cells = {}
    for g in groups:
        n = int(counts.get(g, 0))
        if g not in big:
            cells[g] = Cell(None, n, too_few=n < min_group)
            continue
        ratio = big[g] / best if best else 1.0
        cells[g] = Cell(float(values[g] or 0.0), n, ratio, ratio < FOUR_FIFTHS)
    return MetricRow(metric, label, kind, cells)


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _label_rates(ctx: _Ctx, model: str) -> list[MetricRow]:
    """One-vs-rest selection rates of every label of ``model`` (fairlearn MetricFrame)."""
    known = ctx.frame[ctx.frame[model].notna()]
    labels = sorted(str(v) for v in known[model].unique())
    if not labels:
        return []
    y = known[model].astype(str)
    if len(known) > 1:
        metrics = {c: partial(selection_rate, pos_label=c) for c in labels}
        by_group = MetricFrame(
            metrics=metrics,
            y_true=y.to_numpy(),
            y_pred=y.to_numpy(),
            sensitive_features=known[ctx.attribute].to_numpy(),
        ).by_group
    else:  # MetricFrame refuses a one-row sample
        by_group = pd.DataFrame({c: (y == c).groupby(known[ctx.attribute]).mean() for c in labels})
    counts = known[ctx.attribute].value_counts()
    return [
        ctx.row(
            f"{model}={c}",
            f"{model.capitalize()} {c}",
            "rate",
            {g: _num(by_group[c].get(g)) for g in ctx.groups},
            {g: int(counts.get(g, 0)) for g in ctx.groups},
        )
        for c in labels
    ]


_HANDOFF = ("handoff", "abstained", "sensitive", "opted_out")


def _handoff_rate(ctx: _Ctx, column: str, label: str) -> MetricRow:
    rates = ctx.frame.groupby(ctx.attribute)[column].mean()
    values = {g: _num(rates.get(g)) for g in ctx.groups}
    # Flag a group handed off (or abstained on) far more often than the others.
    return ctx.row(column, label, "rate", values, favourable=lambda v: 1 - v)


def _contest_rate(ctx: _Ctx) -> MetricRow:
    rates = ctx.frame.groupby(ctx.attribute)["contested"].mean()
    values = {g: _num(rates.get(g)) for g in ctx.groups}
    # The favourable outcome is a decision nobody contested: compare 1 - rate.
    return ctx.row(
        "contest_rate", "Contest rate (review requests)", "rate", values, favourable=lambda v: 1 - v
    )


def _accuracy(ctx: _Ctx, model: str) -> MetricRow:
    done = ctx.frame[ctx.frame[f"reviewed_{model}"].notna() & ctx.frame[model].notna()]
    counts = done[ctx.attribute].value_counts()
    values: dict[str, float | None] = {}
    if len(done):
        # A plain group-by: MetricFrame refuses a one-row sample, common among reviews.
        hit = done[model].astype(str) == done[f"reviewed_{model}"].astype(str)
        by_group = hit.groupby(done[ctx.attribute]).mean()
        values = {g: _num(by_group.get(g)) for g in ctx.groups}
    return ctx.row(
        f"{model}_accuracy",
        f"{model.capitalize()} accuracy (reviewed only)",
        "accuracy",
        values,
        {g: int(counts.get(g, 0)) for g in ctx.groups},
    )
