"""Waterfall geometry: additive, capped, ordered, described in words."""

from __future__ import annotations

import pytest

from explainer.web.auditor.charts import MAX_ROWS, waterfall


def test_rows_run_from_base_to_output() -> None:
    items = [("a", 1.5), ("b", -0.5), ("c", 0.25)]
    chart = waterfall(-0.25, items, 1.0)
    kinds = [b.kind for b in chart.bars]
    assert kinds == ["base", "up", "down", "up", "total"]
    assert [b.label for b in chart.bars[1:-1]] == ["a", "b", "c"]  # largest first
    assert chart.bars[0].value == -0.25 and chart.bars[-1].value == 1.0
    assert sum(b.value for b in chart.bars[1:-1]) == pytest.approx(1.25)
    assert all(b.w >= 1 for b in chart.bars)
    assert "base value -0.250" in chart.description and "output value 1.000" in chart.description


def test_a_bar_starts_where_the_previous_one_ended() -> None:
    chart = waterfall(0.0, [("up", 2.0), ("down", -1.0)], 1.0)
    up, down = chart.bars[1], chart.bars[2]
    assert up.x == pytest.approx(chart.zero_x)
    assert down.x + down.w == pytest.approx(up.x + up.w)


def test_many_features_are_summed_into_one_row() -> None:
    items = [(f"f{i}", 0.1 * (i + 1)) for i in range(30)]
    chart = waterfall(0.0, items, sum(v for _, v in items))
    assert len(chart.bars) == MAX_ROWS + 2
    assert chart.bars[-2].label == f"{30 - MAX_ROWS + 1} other features"
    total = sum(b.value for b in chart.bars[1:-1])
    assert total == pytest.approx(chart.bars[-1].value)


def test_no_attributions_and_zero_span() -> None:
    chart = waterfall(0.0, [], 0.0)
    assert [b.kind for b in chart.bars] == ["base", "total"]
    assert chart.height > 0
