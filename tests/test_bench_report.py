"""The HTTP bench's verdicts: each target judged on the run's own cells."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the bench lives beside tests

from bench.http import DECISIONS, EXPLAIN, FLOOR, PIPELINE, QUICK, WHY
from bench.http_load import Cell
from bench.http_report import verdicts


def _cells(*rps: float, p99: float = 10.0) -> list[Cell]:
    return [Cell(c, 1.0, int(r), 0, 1.0, p99) for c, r in zip(QUICK.clients, rps, strict=True)]


def _figures(decisions: float, explain: float) -> dict[str, object]:
    rows = {
        FLOOR: _cells(2000, 4000, 4000),
        PIPELINE: _cells(100, 200, 200),
        DECISIONS: _cells(decisions, decisions, decisions, p99=80.0),
        EXPLAIN: _cells(explain, explain, explain, p99=40.0),
        WHY: _cells(900, 1800, 1700),
    }
    memory = {"after": [{"rss_mib": 170.0, "pss_mib": 90.0}], "requests": 1000}
    return {"sizes": QUICK, "blocks": [{"db": "sqlite", "rows": rows, "memory": memory}]}


def test_a_floor_target_names_the_share_explain_reached_without_storing() -> None:
    lines = verdicts(_figures(decisions=320, explain=400))
    at8 = next(line for line in lines if line.startswith("sqlite, 8 clients"))
    assert "decisions 80 % of /explain (>= 80 %: met)" in at8
    assert "8.0 % of floor (>= 12 %: MISSED; /explain, which stores nothing, 10.0 %)" in at8
    assert "why page 45 % of floor (>= 40 %: met)" in at8
    p99 = [line for line in lines if "p99 at 16 clients" in line]
    assert any("/api/v1/decisions p99 at 16 clients 80.0 ms (<= 50 ms: MISSED)" in x for x in p99)
    assert any("/api/v1/explain p99 at 16 clients 40.0 ms (<= 50 ms: met)" in x for x in p99)


def test_the_floor_target_is_met_once_decisions_reach_it() -> None:
    at16 = next(
        line for line in verdicts(_figures(decisions=500, explain=600)) if ", 16 clients" in line
    )
    assert "12.5 % of floor (>= 12 %: met; /explain, which stores nothing, 15.0 %)" in at16
