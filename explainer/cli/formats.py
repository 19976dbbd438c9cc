"""What several commands share: a duration option and a plain-text table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import click

__all__ = ["Duration", "table_text"]

_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
_DURATION = re.compile(r"([1-9][0-9]{0,4})([dhm])")


class Duration(click.ParamType):  # type: ignore[type-arg]
    """``90d``, ``12h`` or ``30m`` as a timedelta."""

    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, timedelta):
            return value
        found = _DURATION.fullmatch(str(value).strip())
        if found is None:
            self.fail(f"{value!r} is not a duration such as 90d, 12h or 30m", param, ctx)
        return timedelta(**{_UNITS[found[2]]: int(found[1])})


def table_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns, as wide as their widest cell, two spaces apart."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines = [header, *rows]
    return "\n".join(
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
