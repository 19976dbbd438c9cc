"""``explainer models``: serving forms for old versions; promote, roll back, history."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Any

import click

from explainer.cli.context import fail, serviced
from explainer.errors import ExplainerError
from explainer.model.registry import MODEL_NAMES, current_version, upgrade_version
from explainer.service.releases import PromotionRefused
from explainer.settings import Settings

__all__ = ["register"]


def register(group: click.Group) -> None:
    """Add ``models`` to ``group``."""
    group.add_command(models)


@click.group("models")
def models() -> None:
    """Model versions in the models folder."""


@models.command("upgrade")
def models_upgrade() -> None:
    """Write the serving form of each current version that lacks one (idempotent)."""
    where = Settings().models_dir
    for name in MODEL_NAMES:
        version = current_version(where, name)
        if version is None:
            continue
        try:
            made = upgrade_version(where, name, version)
        except ExplainerError as exc:
            fail(exc)
        state = "serving form written" if made else "serving form present"
        click.echo(f"{name} {version}: {state}")


_SERVED = (
    "explainer serve loads them within EXPLAINER_MODELS_WATCH_SECONDS (default 5 s); "
    "other processes holding models need a restart"
)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@models.command("promote")
@click.option("--candidate", "candidate_dir", type=click.Path(path_type=Path), required=True)
@click.option(
    "--report",
    "report_file",
    type=click.Path(path_type=Path),
    required=True,
    help="The candidate's report from explainer shadow.",
)
@click.option("--max-accuracy-loss", type=click.FloatRange(0, 1), help="Gate override.")
@click.option("--max-ece-increase", type=click.FloatRange(0, 1), help="Gate override.")
@click.option("--min-reviewed", type=click.IntRange(0), help="Gate override.")
@click.option("--flag-min-change", type=click.FloatRange(0, 1), help="Gate override.")
@click.option("--by", "actor", default=_actor, help="Who promotes (for the log record).")
def models_promote(
    candidate_dir: Path,
    report_file: Path,
    max_accuracy_loss: float | None,
    max_ece_increase: float | None,
    min_reviewed: int | None,
    flag_min_change: float | None,
    actor: str,
) -> None:
    """Make a candidate current if its shadow report passes every gate (a log record)."""
    with serviced(upgrade=True) as service:
        gates = service.releases.gates(
            max_accuracy_loss=max_accuracy_loss,
            max_ece_increase=max_ece_increase,
            min_reviewed=min_reviewed,
            flag_min_change=flag_min_change,
        )
        try:
            made = service.releases.promote(candidate_dir, report_file, actor, gates)
        except PromotionRefused as exc:
            for line in exc.extra.get("failed") or [exc.detail]:
                click.echo(f"refused: {line}", err=True)
            sys.exit(2)
    click.echo(f"promoted: {_change(made)} (log record {made['id']})")
    click.echo(_SERVED, err=True)


@models.command("rollback")
@click.option("--by", "actor", default=_actor, help="Who rolls back (for the log record).")
def models_rollback(actor: str) -> None:
    """Serve again the versions the promotion in effect replaced (a log record)."""
    with serviced(upgrade=True) as service:
        made = service.releases.rollback(actor)
    click.echo(f"rolled back: {_change(made)} (log record {made['id']})")
    click.echo(_SERVED, err=True)


@models.command("history")
@click.option("--json", "as_json", is_flag=True)
def models_history(as_json: bool) -> None:
    """Promotions and rollbacks, newest first."""
    with serviced(upgrade=True) as service:
        changes = service.releases.history.history()
    if as_json:
        click.echo(json.dumps(changes, indent=2, default=str))
        return
    for c in changes:
        report = f" report {c['report_sha256'][:12]}" if c["report_sha256"] else ""
        click.echo(
            f"{c['created_at']:%Y-%m-%d %H:%M} {c['kind']:<18} {c['actor']}: {_change(c)}{report}"
        )


def _change(c: dict[str, Any]) -> str:
    names = sorted(set(c["from_versions"]) | set(c["to_versions"]))
    return ", ".join(f"{n} {c['from_versions'].get(n)} -> {c['to_versions'].get(n)}" for n in names)
