"""Global importance and attribution drift over stored decisions (pure, no Flask).

Global importance of a feature for one model version is the mean absolute
attribution (log-odds margin units) over that version's stored decisions, a
decision where the feature did not occur counting as zero (shap's
``mean(|values|)`` bar plot). Drift is the same mean per ISO week, for the top
features, so a change in what drives the model shows as lines that move.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["TOP", "ModelImportance", "attribution_sizes", "importance_by_version", "iso_week"]

TOP = 15


@dataclass(frozen=True)
class ModelImportance:
    """One model version: its top features overall and their weekly means."""

    model: str
    version: str
    n: int
    top: list[tuple[str, float]]  # (feature, mean |attribution|), largest first
    weeks: list[str]  # ISO weeks, oldest first ("2026-W45")
    week_n: list[int]  # decisions in each week
    drift: dict[str, list[float]]  # feature -> mean |attribution| per week


def iso_week(when: datetime) -> str:
    """``YYYY-Www`` of a timestamp (ISO 8601 week numbering)."""
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def attribution_sizes(decision: Mapping[str, Any], model: str) -> dict[str, float]:
    """Feature -> |attribution| of one model's explanation in a decision document."""
    block = decision.get(model) or {}
    sizes: dict[str, float] = defaultdict(float)
    for a in (block.get("explanation") or {}).get("attributions") or []:
        sizes[str(a.get("feature"))] += abs(float(a.get("value") or 0.0))
    return dict(sizes)


def importance_by_version(
    model: str, items: Iterable[tuple[str, datetime, Mapping[str, float]]], top: int = TOP
) -> list[ModelImportance]:
    """Per version: ``items`` are ``(version, created_at, feature -> |attribution|)``."""
    by_version: dict[str, list[tuple[str, Mapping[str, float]]]] = defaultdict(list)
    for version, created, sizes in items:
        by_version[version].append((iso_week(created), sizes))
    return [_one(model, v, rows, top) for v, rows in sorted(by_version.items(), reverse=True)]


def _means(rows: list[Mapping[str, float]]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for sizes in rows:
        for feature, size in sizes.items():
            totals[feature] += size
    return {f: t / len(rows) for f, t in totals.items()}


def _one(
    model: str, version: str, rows: list[tuple[str, Mapping[str, float]]], top: int
) -> ModelImportance:
    overall = _means([sizes for _, sizes in rows])
    best = sorted(overall.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    weekly: dict[str, list[Mapping[str, float]]] = defaultdict(list)
    for week, sizes in rows:
        weekly[week].append(sizes)
    weeks = sorted(weekly)
    means = {w: _means(weekly[w]) for w in weeks}
    return ModelImportance(
        model=model,
        version=version,
        n=len(rows),
        top=best,
        weeks=weeks,
        week_n=[len(weekly[w]) for w in weeks],
        drift={f: [means[w].get(f, 0.0) for w in weeks] for f, _ in best},
    )
