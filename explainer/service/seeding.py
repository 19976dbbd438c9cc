"""Seed the store from a CSV export through the service's own decision path.

Each row becomes a :class:`TicketIn` (with its audit attributes), is decided by the
loaded models (``Decider.decide``) and stored (``Store.save_decision``), exactly as
``POST /api/v1/decisions`` does, but with the row's own timestamp: the created
column when given, else spread evenly over the last ``spread_weeks`` weeks so the
drift views have several weeks to show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

from pydantic import ValidationError

from explainer.explain.decide import Decider
from explainer.schemas import Channel, Plan, TicketIn
from explainer.store import Store

__all__ = ["SeedColumns", "SeedResult", "seed", "ticket_of", "timestamps"]

PLANS: tuple[str, ...] = get_args(Plan)
CHANNELS: tuple[str, ...] = get_args(Channel)


@dataclass(frozen=True)
class SeedColumns:
    """Which CSV columns hold the text and the audit/account attributes."""

    text: tuple[str, ...]
    language: str | None = "language"
    region: str | None = None
    plan: str | None = None
    channel: str | None = None
    created: str | None = None


@dataclass
class SeedResult:
    """What happened: stored, skipped rows (with the first reasons), and enum fallbacks."""

    stored: int = 0
    invalid: int = 0
    fallbacks: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _text(row: Mapping[str, Any], column: str | None) -> str | None:
    if not column:
        return None
    value = row.get(column)
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return None
    return str(value).strip() or None


def _enum(value: str | None, allowed: tuple[str, ...], name: str, result: SeedResult) -> str:
    if value is not None and value.lower() in allowed:
        return value.lower()
    if value is not None:
        result.fallbacks[name] = result.fallbacks.get(name, 0) + 1
    return allowed[0]


def ticket_of(row: Mapping[str, Any], cols: SeedColumns, result: SeedResult) -> TicketIn:
    """A validated ticket; plan and channel outside the schema fall back to the defaults."""
    texts = [_text(row, c) or "" for c in cols.text]
    subject, body = (texts[0], texts[-1]) if len(texts) > 1 else ("", texts[0])
    customer: dict[str, Any] = {"plan": _enum(_text(row, cols.plan), PLANS, "plan", result)}
    if cols.region:
        customer["region"] = _text(row, cols.region)
    return TicketIn.model_validate(
        {
            "subject": subject,
            "body": body,
            "channel": _enum(_text(row, cols.channel), CHANNELS, "channel", result),
            "language": _text(row, cols.language),
            "customer": customer,
        }
    )


def timestamps(n: int, spread_weeks: int, now: datetime) -> list[datetime]:
    """``n`` times spread evenly over the ``spread_weeks`` weeks before ``now``, oldest first."""
    span = timedelta(weeks=max(spread_weeks, 0))
    if n <= 1:
        return [now] * n
    return [now - span + span * i / (n - 1) for i in range(n)]


def _created(row: Mapping[str, Any], cols: SeedColumns, fallback: datetime) -> datetime:
    raw = _text(row, cols.created)
    if raw is None:
        return fallback
    when = datetime.fromisoformat(raw.replace("Z", "+00:00"))  # ValueError: invalid row
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def seed(
    decider: Decider,
    store: Store,
    rows: Iterable[Mapping[str, Any]],
    cols: SeedColumns,
    times: list[datetime],
    progress: Callable[[int], None] = lambda _n: None,
) -> SeedResult:
    """Decide and store every row (``times[i]`` unless the row has its own timestamp)."""
    result = SeedResult()
    for i, row in enumerate(rows):
        try:
            ticket = ticket_of(row, cols, result)
            when = _created(row, cols, times[i])
        except (ValidationError, ValueError) as exc:
            result.invalid += 1
            if len(result.problems) < 5:
                first = str(exc).splitlines()[:3]
                result.problems.append(f"row {i + 1}: {' '.join(first)}")
            continue
        store.save_decision(decider.decide(ticket, now=when))
        result.stored += 1
        progress(i + 1)
    return result
