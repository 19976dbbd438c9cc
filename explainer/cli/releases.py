"""``explainer retrain`` and ``explainer shadow``: a candidate from reviews, measured
against the version in service over the whole stored log."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from explainer.cli.context import serviced

__all__ = ["register", "since_option"]


def register(group: click.Group) -> None:
    """Add ``retrain`` and ``shadow`` to ``group``."""
    group.add_command(retrain)
    group.add_command(shadow)


def _progress(msg: str) -> None:
    click.echo(f"{time.strftime('%H:%M:%S')} {msg}", err=True)


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


since_option = click.option(
    "--since",
    callback=_since,
    metavar="DATE",
    help="Only decisions (for retrain: reviews) from this date on (ISO 8601, UTC).",
)


@click.command()
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="Folder for the candidate."
)
@since_option
@click.option(
    "--base-data",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="The current version's training export, when it was not the demo corpus.",
)
def retrain(out: Path, since: datetime | None, base_data: Path | None) -> None:
    """Train a candidate from the current training data plus reviewed labels."""
    if out.exists() and any(out.iterdir()):
        raise click.BadParameter(f"{out} is not empty; choose a new folder", param_hint="--out")
    with serviced(upgrade=True) as service:
        card = service.releases.retrain(out, since, base_data, _progress)
    click.echo(json.dumps(card, indent=2))
    click.echo(f"candidate written to {out}; next: explainer shadow --candidate {out}", err=True)


@click.command()
@click.option(
    "--candidate",
    "candidate_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="A candidate folder (from explainer retrain).",
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Report file (JSON).")
@click.option(
    "--scheduler", metavar="ADDRESS", help="A Dask scheduler (tcp://host:8786); else a local one."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Workers of the local cluster.",
)
@click.option("--serial", is_flag=True, help="Score in this process, without Dask.")
@since_option
def shadow(
    candidate_dir: Path,
    out: Path,
    scheduler: str | None,
    workers: int,
    serial: bool,
    since: datetime | None,
) -> None:
    """Re-decide and re-explain every stored decision with a candidate; write the report."""
    from tqdm import tqdm

    with serviced(upgrade=True) as service:
        total = service.releases.count(since)
        _progress(f"shadow: {total:,} decisions, {'in this process' if serial else 'on Dask'}")
        with tqdm(total=total, unit="decision", disable=None) as bar:
            report, raw = service.releases.shadow(
                candidate_dir,
                since=since,
                scheduler=scheduler,
                workers=workers,
                serial=serial,
                progress=bar.update,
            )
        failed = service.releases.gates().failures(report)
    out.write_bytes(raw)
    d = report["decisions"]
    _progress(
        f"scored {d['scored']:,} decisions ({d['erased_skipped']:,} erased, skipped); "
        f"report written to {out}"
    )
    for name, m in report["models"].items():
        acc = m["accuracy"]
        click.echo(
            f"{name}: agreement {_pct(m['agreement']['overall'])}; "
            f"accuracy on {acc['reviewed']} reviewed {_pct(acc['current']['accuracy'])} -> "
            f"{_pct(acc['candidate']['accuracy'])}; top reason changed "
            f"{_pct(m['explanations']['top_reason_changed'])}"
        )
    flags = report["fairness"]["new_flags"]
    click.echo(f"new four-fifths flags: {len(flags)} (see the report's fairness.new_flags)")
    if failed:
        click.echo("promotion gates (current settings) would refuse:")
        for line in failed:
            click.echo(f"  {line}")
    else:
        click.echo(
            f"promotion gates pass; next: explainer models promote --candidate "
            f"{candidate_dir} --report {out}"
        )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"
