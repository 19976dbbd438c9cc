"""A small line chart as plain geometry for a server-rendered SVG (no Flask, no JavaScript).

Used for attribution drift: one line per feature, one point per ISO week, the
y axis in mean |attribution| (log-odds margin units).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Line", "LineChart", "line_chart"]

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 190, 16, 40  # room for the y ticks, legend and x labels
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MAX_LINES = len(COLOURS)


@dataclass(frozen=True)
class Line:
    """One series: its polyline ``points`` and where its legend entry sits."""

    label: str
    colour: str
    points: str
    dots: list[tuple[float, float]]
    legend_y: float


@dataclass(frozen=True)
class LineChart:
    """Everything the SVG template draws."""

    width: int
    height: int
    left: int
    plot_right: int
    plot_bottom: int
    lines: list[Line]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    description: str


def line_chart(x_labels: Sequence[str], series: Mapping[str, Sequence[float]]) -> LineChart:
    """Lay out up to :data:`MAX_LINES` series over the shared ``x_labels``."""
    shown = list(series.items())[:MAX_LINES]
    top = max((v for _, values in shown for v in values), default=0.0) or 1.0
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    step = (right - LEFT) / max(len(x_labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return round(LEFT + i * step, 1), round(bottom - v / top * (bottom - TOP), 1)

    lines = []
    for k, (label, values) in enumerate(shown):
        dots = [xy(i, v) for i, v in enumerate(values)]
        points = " ".join(f"{x},{y}" for x, y in dots)
        lines.append(Line(label, COLOURS[k], points, dots, TOP + 8 + k * 20))
    every = max(1, len(x_labels) // 8)  # at most about eight week labels
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        plot_right=right,
        plot_bottom=bottom,
        lines=lines,
        x_ticks=[(xy(i, 0)[0], w) for i, w in enumerate(x_labels) if i % every == 0],
        y_ticks=[(xy(0, top * f)[1], f"{top * f:.2f}") for f in (0.0, 0.5, 1.0)],
        description=(
            f"Mean absolute attribution per ISO week of the top {len(lines)} features "
            f"over {len(x_labels)} week(s); the table below has every figure."
        ),
    )
