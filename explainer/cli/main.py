"""The ``explainer`` command line (SPEC section 5)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from explainer.cli.context import fail
from explainer.errors import ExplainerError

__all__ = ["main"]


def _progress(msg: str) -> None:
    click.echo(f"{time.strftime('%H:%M:%S')} {msg}", err=True)


@click.group()
@click.version_option(package_name="explainer")
def main() -> None:
    """Explained, auditable ticket triage."""


@main.command()
@click.option("--data", type=click.Path(path_type=Path), help="A CSV export to train on.")
@click.option(
    "--text-col", "text_cols", multiple=True, help="Text column; give two for subject then body."
)
@click.option("--intent-col", help="Column with the intent (queue) label.")
@click.option("--priority-col", help="Column with the priority label (optional).")
@click.option("--plan-col", help="Column with the customer's plan (optional).")
@click.option("--channel-col", help="Column with the contact channel (optional).")
@click.option("--account-age-col", help="Column with the account age in days (optional).")
@click.option("--open-tickets-col", help="Column with the number of open tickets (optional).")
@click.option(
    "--labels",
    "labels_file",
    type=click.Path(path_type=Path, exists=True),
    help="JSON mapping labels to display names and queues.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("models"),
    show_default=True,
    help="Where model versions are written.",
)
@click.option(
    "--holdout",
    type=click.FloatRange(0.0, 0.5),
    default=0.1,
    show_default=True,
    help="Share of an export held out to measure the model for its card (0: none).",
)
@click.option(
    "--rows", type=int, default=24_000, show_default=True, help="Demo corpus size (without --data)."
)
def train(
    data: Path | None,
    text_cols: tuple[str, ...],
    intent_col: str | None,
    priority_col: str | None,
    plan_col: str | None,
    channel_col: str | None,
    account_age_col: str | None,
    open_tickets_col: str | None,
    labels_file: Path | None,
    out: Path,
    holdout: float,
    rows: int,
) -> None:
    """Train the intent and priority models and make the new versions current."""
    from explainer.model.catalogue import load_labels_file
    from explainer.training import train as trainer
    from explainer.training.datasets import ColumnMap, demo_data, read_csv_data

    try:
        if data is None:
            _progress(f"generating and redacting the demo corpus ({rows:,} tickets)")
            labelled, specs, known = demo_data(rows), trainer.DEMO_SPECS, trainer.demo_known()
        else:
            if not text_cols or not intent_col:
                raise click.UsageError("--data needs --text-col and --intent-col")
            account = {
                k: v
                for k, v in (
                    ("plan", plan_col),
                    ("channel", channel_col),
                    ("account_age_days", account_age_col),
                    ("open_tickets", open_tickets_col),
                )
                if v
            }
            cols = ColumnMap(text_cols, intent_col, priority_col, account)
            _progress(f"reading and redacting {data}")
            labelled = read_csv_data(data, cols)
            labelled.holdout = holdout
            specs = {
                "intent": trainer.spec_for_columns([], False),
                "priority": trainer.spec_for_columns(list(account), True),
            }
            labels = load_labels_file(labels_file) if labels_file else {}
            known = {"intent": labels, "priority": labels}
        fitted = trainer.fit_all(labelled, specs, known, _progress)
        trainer.write_all(fitted, out, _progress)
    except ExplainerError as exc:
        fail(exc)
    for f in fitted:
        held = f.card["metrics"]["held_out"]
        if held:
            click.echo(
                f"{f.name}: held-out accuracy {held['accuracy']:.3f}, "
                f"macro-F1 {held['macro_f1']:.3f} (n={held['n']:,})"
            )


@main.command()
@click.option("--subject", default="", help="Ticket subject.")
@click.option("--body", default="", help="Ticket body.")
@click.option("--channel", default=None, help="How the customer wrote (not given: baseline).")
@click.option("--plan", default=None, help="The customer's plan (not given: baseline).")
@click.option("--account-age-days", type=int, default=None, help="Not given: baseline.")
@click.option("--open-tickets", type=int, default=None, help="Not given: baseline.")
@click.option("--prefer-person", is_flag=True, help="The customer asked for a person.")
@click.option(
    "--models",
    "models_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Models folder (default: EXPLAINER_MODELS_DIR or models/).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the decision object.")
def explain(
    subject: str,
    body: str,
    channel: str | None,
    plan: str | None,
    account_age_days: int | None,
    open_tickets: int | None,
    prefer_person: bool,
    models_dir: Path | None,
    as_json: bool,
) -> None:
    """Classify and explain one ticket (a preview: nothing is stored)."""
    from pydantic import ValidationError

    from explainer.cli.context import serviced
    from explainer.cli.render import render_decision
    from explainer.schemas import TicketIn

    try:
        ticket = TicketIn.model_validate(
            {
                "subject": subject,
                "body": body,
                "channel": channel,
                "prefer_person": prefer_person,
                "customer": {
                    "plan": plan,
                    "account_age_days": account_age_days,
                    "open_tickets": open_tickets,
                },
            }
        )
    except ValidationError as exc:
        raise click.BadParameter(_pydantic_message(exc)) from exc
    where: dict[str, Any] = {"models_dir": models_dir} if models_dir else {}
    with serviced(models=True, **where) as service:
        decision = service.preview(ticket)
    wire = decision.wire()
    click.echo(json.dumps(wire, indent=2) if as_json else render_decision(wire))


@main.command()
@click.option("--data", type=click.Path(path_type=Path), required=True)
@click.option("--text-col", "text_cols", multiple=True, required=True)
@click.option("--intent-col", required=True)
@click.option("--priority-col")
@click.option("--language-col", help="Column with the ticket's language: figures per language.")
@click.option("--models", "models_dir", type=click.Path(path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True)
def evaluate(
    data: Path,
    text_cols: tuple[str, ...],
    intent_col: str,
    priority_col: str | None,
    language_col: str | None,
    models_dir: Path | None,
    as_json: bool,
) -> None:
    """Accuracy, macro-F1 and a per-class table of the current models on a CSV."""
    from explainer.settings import Settings
    from explainer.training.datasets import ColumnMap
    from explainer.training.evaluation import evaluate_csv, format_report

    try:
        report = evaluate_csv(
            data,
            ColumnMap(text_cols, intent_col, priority_col, language=language_col),
            models_dir or Settings().models_dir,
            _progress,
        )
    except ExplainerError as exc:
        fail(exc)
    click.echo(json.dumps(report, indent=2) if as_json else format_report(report))


def _pydantic_message(exc: Any) -> str:
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'ticket'}: {e['msg']}" for e in exc.errors()
    )


def _register_plugins() -> None:
    # Each command family lives in its own module so the CLI stays small.
    from explainer.cli import admin, audit, batch, models, releases, seed, serve, users, webhooks

    for family in (admin, audit, batch, models, releases, serve, seed, users, webhooks):
        family.register(main)


_register_plugins()
