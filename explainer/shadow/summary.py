"""The shadow report: a candidate model set against the current one over the stored log,
from the merged statistics of :func:`explainer.shadow.scoring.score_partition`."""

from __future__ import annotations

import math
from typing import Any

from explainer.oversight.fairness import metric_row
from explainer.oversight.report import MIN_GROUP, MetricRow
from explainer.shadow.scoring import ATTRIBUTES, BINS, SIDES, Stats

__all__ = ["FORMAT", "report", "wilson"]

FORMAT = "explainer-shadow/1"
TOP_FEATURES = 20


def report(stats: Stats, models: list[str], min_group: int = MIN_GROUP) -> dict[str, Any]:
    """Agreement, accuracy with 95 % intervals, calibration, abstention, explanation drift
    and fairness deltas per model (``models``: the names both sets hold)."""
    scored = int(stats[("n",)])
    return {
        "format": FORMAT,
        "decisions": {"scored": scored, "erased_skipped": int(stats[("erased",)])},
        "models": {m: _model(stats, m, scored) for m in models},
        "fairness": _fairness(stats, models, min_group),
    }


def wilson(hits: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval of a proportion (sound at small ``n`` and at 0 or 1)."""
    if n == 0:
        return (0.0, 1.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _model(stats: Stats, name: str, scored: int) -> dict[str, Any]:
    labels = sorted(k[2] for k in stats if k[0] == "label_n" and k[1] == name)
    agree = sum(int(stats[("agree", name, lab)]) for lab in labels)
    reviewed = int(stats[("reviewed", name)])
    return {
        "agreement": {
            "overall": _ratio(agree, scored),
            "per_label": {
                lab: {
                    "n": int(stats[("label_n", name, lab)]),
                    "agreement": _ratio(stats[("agree", name, lab)], stats[("label_n", name, lab)]),
                }
                for lab in labels
            },
        },
        "label_rates": {
            side: {
                k[3]: _ratio(v, scored)
                for k, v in sorted(stats.items())
                if k[0] == "pred" and k[1] == side and k[2] == name
            }
            for side in SIDES
        },
        "accuracy": {"reviewed": reviewed, **{s: _accuracy(stats, s, name) for s in SIDES}},
        "calibration": {s: {"ece": _ece(stats, s, name)} for s in SIDES},
        "abstention": {s: _ratio(stats[("abstained", s, name)], scored) for s in SIDES},
        "explanations": _drift(stats, name, scored),
    }


def _accuracy(stats: Stats, side: str, name: str) -> dict[str, Any]:
    n, hits = int(stats[("reviewed", name)]), int(stats[("correct", side, name)])
    lo, hi = wilson(hits, n)
    return {"accuracy": _ratio(hits, n), "ci95": [round(lo, 6), round(hi, 6)]}


def _ece(stats: Stats, side: str, name: str) -> float | None:
    n = sum(stats[("ece_n", side, name, b)] for b in range(BINS))
    if not n:
        return None
    gap = sum(
        abs(stats[("ece_right", side, name, b)] - stats[("ece_conf", side, name, b)])
        for b in range(BINS)
    )
    return round(gap / n, 6)


def _drift(stats: Stats, name: str, scored: int) -> dict[str, Any]:
    weights = {
        side: {
            k[3]: v / max(scored, 1)
            for k, v in stats.items()
            if k[0] == "importance" and k[1] == side and k[2] == name
        }
        for side in SIDES
    }
    totals = {s: sum(w.values()) or 1.0 for s, w in weights.items()}
    keys = set(weights["current"]) | set(weights["candidate"])
    # Total variation distance between the two normalised importance profiles (0..1).
    shift = 0.5 * sum(
        abs(
            weights["current"].get(k, 0.0) / totals["current"]
            - weights["candidate"].get(k, 0.0) / totals["candidate"]
        )
        for k in keys
    )
    tops = {
        s: [
            {"feature": k, "mean_abs_attribution": round(v, 6)}
            for k, v in sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_FEATURES]
        ]
        for s, w in weights.items()
    }
    return {
        "top_reason_changed": _ratio(stats[("top_changed", name)], scored),
        "importance_shift": round(shift, 6),
        "global_importance": tops,
    }


def _fairness(stats: Stats, models: list[str], min_group: int) -> dict[str, Any]:
    attributes, new_flags = [], []
    for a in ATTRIBUTES:
        sizes = {k[2]: int(v) for k, v in stats.items() if k[0] == "g_n" and k[1] == a}
        groups = sorted(sizes, key=lambda g: (-sizes[g], g))
        rows = []
        for name in models:
            for metric, pair in _metrics(stats, name, a, groups, sizes, min_group).items():
                rows.append(_compare(metric, pair, groups))
                new_flags += _new_flags(a, metric, pair, groups)
        attributes.append({"attribute": a, "groups": groups, "sizes": sizes, "rows": rows})
    return {"min_group": min_group, "attributes": attributes, "new_flags": new_flags}


def _new_flags(
    attribute: str, metric: str, pair: tuple[MetricRow, MetricRow], groups: list[str]
) -> list[dict[str, Any]]:
    """Cells the candidate flags and the current model does not, with how far the group's
    value moved the unfavourable way (down; up for abstention) and the move sampling alone
    makes likely there (two standard errors of a share of the group's size)."""
    cur, cand = pair
    out = []
    for g in groups:
        a, b = cur.cells[g], cand.cells[g]
        if b.flagged and not a.flagged:
            moved = None if a.value is None or b.value is None else b.value - a.value
            worse = None if moved is None else (moved if metric.endswith("_abstained") else -moved)
            out.append(
                {
                    "attribute": attribute,
                    "metric": metric,
                    "group": g,
                    "ratio": _round(b.ratio),
                    "worse_by": _round(worse),
                    "noise": _round(_two_se(a.value, a.n)),
                }
            )
    return out


def _two_se(value: float | None, n: int) -> float | None:
    if value is None or n <= 0:
        return None
    p = min(max(value, 0.0), 1.0)
    return 2 * math.sqrt(p * (1 - p) / n)


def _metrics(
    stats: Stats, name: str, a: str, groups: list[str], sizes: dict[str, int], min_group: int
) -> dict[str, tuple[MetricRow, MetricRow]]:
    """The console's fairness metrics a model change can move, current and candidate."""
    labels = sorted({k[5] for k in stats if k[0] == "g_label" and k[2] == name and k[3] == a})
    out: dict[str, tuple[MetricRow, MetricRow]] = {}

    def pair(metric: str, title: str, kind: str, value: Any, counts: Any, fav: Any = float) -> None:
        out[metric] = tuple(  # type: ignore[assignment]
            metric_row(
                metric,
                title,
                kind,
                groups,
                {g: value(s, g) for g in groups},
                counts(s),
                min_group,
                fav,
            )
            for s in SIDES
        )

    for lab in labels:
        pair(
            f"{name}={lab}",
            f"{name.capitalize()} {lab}",
            "rate",
            lambda s, g, lab=lab: _ratio(stats[("g_label", s, name, a, g, lab)], sizes[g]),
            lambda s: sizes,
        )
    pair(
        f"{name}_confidence",
        f"Mean {name} confidence",
        "mean",
        lambda s, g: _ratio(stats[("g_conf", s, name, a, g)], sizes[g]),
        lambda s: sizes,
    )
    pair(
        f"{name}_abstained",
        f"{name.capitalize()} model abstained",
        "rate",
        lambda s, g: _ratio(stats[("g_abstained", s, name, a, g)], sizes[g]),
        lambda s: sizes,
        lambda v: 1 - v,
    )
    pair(
        f"{name}_accuracy",
        f"{name.capitalize()} accuracy (reviewed only)",
        "accuracy",
        lambda s, g: _ratio(
            stats[("g_correct", s, name, a, g)], stats[("g_reviewed", s, name, a, g)]
        ),
        lambda s: {g: int(stats[("g_reviewed", s, name, a, g)]) for g in groups},
    )
    return out


def _compare(metric: str, pair: tuple[MetricRow, MetricRow], groups: list[str]) -> dict[str, Any]:
    cur, cand = pair
    cells = {}
    for g in groups:
        a, b = cur.cells[g], cand.cells[g]
        delta = None if a.value is None or b.value is None else round(b.value - a.value, 6)
        cells[g] = {
            "n": a.n,
            "current": _round(a.value),
            "candidate": _round(b.value),
            "delta": delta,
            "current_flagged": a.flagged,
            "candidate_flagged": b.flagged,
        }
    return {"metric": metric, "label": cur.label, "kind": cur.kind, "cells": cells}


def _ratio(a: float, b: float) -> float | None:
    return None if not b else round(float(a) / float(b), 6)


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 6)
