"""``explainer seed``: run a CSV export through the decision path to fill the store."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click
import pandas as pd

from explainer.cli.context import serviced
from explainer.service.seeding import SeedColumns, timestamps

__all__ = ["register"]


def register(group: click.Group) -> None:
    """Add ``seed`` to ``group``."""
    group.add_command(seed_command)


def _echo(msg: str) -> None:
    click.echo(f"{time.strftime('%H:%M:%S')} {msg}", err=True)


@click.command("seed")
@click.option("--data", required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--text-col", "text_cols", multiple=True, required=True, help="Subject, then body.")
@click.option("--language-col", default="language", show_default=True)
@click.option("--region-col", help="Column with the customer's region (audit attribute).")
@click.option("--plan-col", help="Column with the plan (free, pro, business, enterprise).")
@click.option("--channel-col", help="Column with the channel (email, chat, phone, web, social).")
@click.option("--created-col", help="Column with an ISO 8601 timestamp per ticket.")
@click.option("--spread-weeks", type=int, default=8, show_default=True)
@click.option("--limit", type=int, help="Seed only the first N rows.")
def seed_command(
    data: Path,
    text_cols: tuple[str, ...],
    language_col: str,
    region_col: str | None,
    plan_col: str | None,
    channel_col: str | None,
    created_col: str | None,
    spread_weeks: int,
    limit: int | None,
) -> None:
    """Decide and store every row of a CSV export, as POST /api/v1/decisions does."""
    frame = pd.read_csv(data, dtype=str, keep_default_na=False, encoding="utf-8")
    if limit is not None:
        frame = frame.head(limit)
    cols = SeedColumns(text_cols, language_col, region_col, plan_col, channel_col, created_col)
    missing = [c for c in (*text_cols, region_col, plan_col, channel_col, created_col) if c]
    missing = [c for c in missing if c not in frame.columns]
    if missing:
        click.echo(f"error: {data}: no column(s) {', '.join(missing)}", err=True)
        sys.exit(2)
    if language_col not in frame.columns:
        cols = SeedColumns(text_cols, None, region_col, plan_col, channel_col, created_col)
    total = len(frame)
    step = max(1, total // 20)

    def progress(done: int) -> None:
        if done % step == 0 or done == total:
            _echo(f"seeded {done}/{total}")

    times = timestamps(total, spread_weeks, datetime.now(UTC))
    with serviced(models=True, upgrade=True) as service:
        result = service.seed(frame.to_dict("records"), cols, times, progress)
    for problem in result.problems:
        click.echo(f"skipped {problem}", err=True)
    for name, count in sorted(result.fallbacks.items()):
        click.echo(f"warning: {count} row(s) with an unknown {name} got the default", err=True)
    click.echo(f"stored {result.stored} decisions; skipped {result.invalid} invalid row(s)")
