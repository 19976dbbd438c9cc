"""Waterfall charts as plain geometry for a server-rendered SVG (no Flask, no JavaScript).

A waterfall starts at the base value, adds each attribution in turn and ends at the
output value (``base_value + sum(values) = output_value``, in the model's output
space). Rows are horizontal, so long feature names stay readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "Waterfall", "waterfall"]

WIDTH = 640
LABEL_W = 220  # room for feature names left of the plot
VALUE_W = 70  # room for the numbers right of the plot
ROW_H = 24
TOP = 28
MAX_ROWS = 12


@dataclass(frozen=True)
class Bar:
    """One row: a bar from ``x`` over ``w`` pixels; ``kind`` is base, up, down or total."""

    label: str
    value: float
    kind: str
    x: float
    w: float
    y: float
    text: str


@dataclass(frozen=True)
class Waterfall:
    """Everything the SVG template draws."""

    width: int
    height: int
    bars: list[Bar]
    zero_x: float
    ticks: list[tuple[float, str]]
    description: str


def _steps(
    base: float, items: Sequence[tuple[str, float]], output: float
) -> list[tuple[str, float, float, float, str]]:
    """``(label, start, end, value, kind)`` for every row, the rest summed into one."""
    ranked = sorted(items, key=lambda it: -abs(it[1]))
    shown = list(ranked[: MAX_ROWS - 1]) if len(ranked) > MAX_ROWS else list(ranked)
    rest = ranked[len(shown) :]
    if rest:
        shown.append((f"{len(rest)} other features", sum(v for _, v in rest)))
    rows = [("base value", 0.0, base, base, "base")]
    at = base
    for label, value in shown:
        rows.append((label, at, at + value, value, "up" if value >= 0 else "down"))
        at += value
    rows.append(("output value", 0.0, output, output, "total"))
    return rows


def waterfall(base: float, items: Sequence[tuple[str, float]], output: float) -> Waterfall:
    """Lay out a waterfall for ``items`` as ``(label, value)`` pairs (output space units)."""
    rows = _steps(base, items, output)
    points = [0.0] + [p for r in rows for p in (r[1], r[2])]
    lo, hi = min(points), max(points)
    span = (hi - lo) or 1.0
    plot = WIDTH - LABEL_W - VALUE_W

    def sx(v: float) -> float:
        return round(LABEL_W + (v - lo) / span * plot, 2)

    bars = [
        Bar(
            label=label,
            value=value,
            kind=kind,
            x=min(sx(start), sx(end)),
            w=max(1.0, abs(sx(end) - sx(start))),
            y=TOP + i * ROW_H,
            text=f"{value:+.3f}" if kind in ("up", "down") else f"{value:.3f}",
        )
        for i, (label, start, end, value, kind) in enumerate(rows)
    ]
    ticks = [(sx(lo + span * k / 4), f"{lo + span * k / 4:.2f}") for k in range(5)]
    return Waterfall(WIDTH, TOP + len(rows) * ROW_H + 24, bars, sx(0.0), ticks, _describe(rows))


def _describe(rows: list[tuple[str, float, float, float, str]]) -> str:
    middle = rows[1:-1]
    ups = [r for r in middle if r[4] == "up"]
    downs = [r for r in middle if r[4] == "down"]
    top = max(middle, key=lambda r: abs(r[3]), default=None)
    text = (
        f"Starts at the base value {rows[0][3]:.3f} and ends at the output value "
        f"{rows[-1][3]:.3f}: {len(ups)} contributions push it up and {len(downs)} push it down."
    )
    if top is not None:
        text += f" The largest is {top[0]} ({top[3]:+.3f})."
    return text
