"""The HTTP bench's rounds: one figure per cell from several, drift kept visible."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the bench lives beside tests

from bench.http import _median
from bench.http_load import Cell
from bench.http_report import _rate


def test_a_cell_of_rounds_is_their_median_with_the_range_kept() -> None:
    rounds = [
        Cell(8, 6.0, 1200, 0, 4.0, 9.0, 1.0),  # 200 req/s
        Cell(8, 6.0, 1800, 1, 3.0, 7.0, 0.9),  # 300 req/s
        Cell(8, 6.0, 1500, 0, 3.5, 30.0, 1.2),  # 250 req/s
    ]
    cell = _median(rounds)
    assert cell.rps == 250.0 and cell.clients == 8
    assert (cell.p50_ms, cell.p99_ms, cell.cpu_ms) == (3.5, 9.0, 1.0)
    assert cell.errors == 1  # a failed request in any round counts
    assert cell.spread == (200.0, 300.0)
    assert _rate(cell) == "250 (200-300)"


def test_a_single_round_is_reported_as_it_was_measured() -> None:
    only = Cell(1, 6.0, 600, 0, 1.0, 2.0, None)
    assert _median([only]) is only
    assert _rate(only) == "100"
