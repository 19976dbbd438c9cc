"""Global importance (mean |attribution|, absent counts as zero) and weekly drift."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from explainer.oversight.importance import attribution_sizes, importance_by_version, iso_week

MON = datetime(2026, 11, 2, 10, tzinfo=UTC)  # ISO week 45
NEXT = datetime(2026, 11, 9, 10, tzinfo=UTC)  # ISO week 46


def test_attribution_sizes_sum_absolute_values_per_feature() -> None:
    doc = {
        "priority": {
            "explanation": {
                "attributions": [
                    {"feature": "text:urgent", "value": -1.5},
                    {"feature": "plan=pro", "value": 0.5},
                    {"feature": "text:urgent", "value": 0.5},
                ]
            }
        }
    }
    assert attribution_sizes(doc, "priority") == {"text:urgent": 2.0, "plan=pro": 0.5}
    assert attribution_sizes(doc, "intent") == {}


def test_importance_and_drift_by_version_and_week() -> None:
    items = [
        ("v1", MON, {"a": 2.0, "b": 1.0}),
        ("v1", MON, {"a": 0.0}),
        ("v1", NEXT, {"b": 3.0}),
        ("v2", NEXT, {"c": 1.0}),
    ]
    v2, v1 = importance_by_version("priority", items)
    assert (v1.version, v1.n, v2.version, v2.n) == ("v1", 3, "v2", 1)
    assert v1.top == [("b", pytest.approx(4 / 3)), ("a", pytest.approx(2 / 3))]
    assert v1.weeks == [iso_week(MON), iso_week(NEXT)] == ["2026-W45", "2026-W46"]
    assert v1.week_n == [2, 1]
    assert v1.drift == {"a": [1.0, 0.0], "b": [0.5, 3.0]}
    assert importance_by_version("priority", items, top=1)[1].top == [("b", pytest.approx(4 / 3))]
