"""The fairness report's shape, and the explanation quality one decision contributes.

Kept apart from :mod:`explainer.oversight.fairness` (which computes the report with
pandas and fairlearn) so that serving and the store can use these without loading them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ATTRIBUTES",
    "FOUR_FIFTHS",
    "MIN_GROUP",
    "MODELS",
    "NOT_GIVEN",
    "REVIEWED_NOTE",
    "AttributeReport",
    "Cell",
    "FairnessReport",
    "MetricRow",
    "explanation_quality",
]

ATTRIBUTES = ("language", "region", "plan")
MIN_GROUP = 30
FOUR_FIFTHS = 0.8
NOT_GIVEN = "(not given)"
MODELS = ("priority", "intent")
REVIEWED_NOTE = (
    "Accuracy counts only decisions a reviewer confirmed or corrected. Those are a "
    "selected sample (contested or low-confidence decisions are reviewed first), so "
    "they understate accuracy overall and may differ between groups for that reason."
)


@dataclass(frozen=True)
class Cell:
    """One group's figure for one metric; ``value`` is None when the group is too small."""

    value: float | None
    n: int
    ratio: float | None = None
    flagged: bool = False
    too_few: bool = False


@dataclass(frozen=True)
class MetricRow:
    """One metric across the groups of an attribute."""

    metric: str
    label: str
    kind: str  # "rate", "share" or "accuracy" (shown as percentages), or "mean"
    cells: dict[str, Cell]

    @property
    def flagged(self) -> bool:
        """Whether any group falls under four fifths of the best-off group."""
        return any(c.flagged for c in self.cells.values())


@dataclass(frozen=True)
class AttributeReport:
    """Every metric for one audit attribute (language, region or plan)."""

    attribute: str
    groups: list[str]
    sizes: dict[str, int]
    reviewed: dict[str, int]
    sections: dict[str, list[MetricRow]]

    @property
    def rows(self) -> list[MetricRow]:
        """All metric rows, section by section."""
        return [r for rows in self.sections.values() for r in rows]


@dataclass(frozen=True)
class FairnessReport:
    """The whole report: one :class:`AttributeReport` per audit attribute."""

    total: int
    reviewed: int
    min_group: int
    attributes: list[AttributeReport] = field(default_factory=list)
    note: str = REVIEWED_NOTE

    def records(self) -> list[dict[str, Any]]:
        """Flat rows (attribute, group, metric, n, value, ratio, flagged, too_few) for CSV."""
        return [
            {
                "attribute": a.attribute,
                "group": g,
                "metric": r.metric,
                "label": r.label,
                "n": r.cells[g].n,
                "value": r.cells[g].value,
                "ratio_to_best": r.cells[g].ratio,
                "below_four_fifths": r.cells[g].flagged,
                "too_few": r.cells[g].too_few,
            }
            for a in self.attributes
            for r in a.rows
            for g in a.groups
        ]


def explanation_quality(decision: Mapping[str, Any]) -> dict[str, Any]:
    """``reasons``, ``coverage`` and ``counterfactual`` of one stored decision document.

    ``coverage`` is, averaged over the models that have shown reasons, the sum of
    their shown reasons' values divided by that model's ``output_value`` (log-odds
    margin), capped at 1 (the shown reasons can exceed the margin when other features
    pull the other way); models whose output is not positive are left out. None when
    no model counts.
    """
    customer = decision.get("customer") or {}
    details = customer.get("reason_details") or []
    shares = []
    for model in MODELS:
        shown = [float(d.get("value") or 0.0) for d in details if d.get("model") == model]
        output = ((decision.get(model) or {}).get("explanation") or {}).get("output_value")
        if shown and isinstance(output, int | float) and output > 0:
            # Reasons can add up to more than the margin (other features pull back): all of it.
            shares.append(min(1.0, sum(shown) / float(output)))
    return {
        "reasons": len(customer.get("reasons") or details),
        "coverage": sum(shares) / len(shares) if shares else None,
        "counterfactual": bool(customer.get("counterfactual")),
    }
