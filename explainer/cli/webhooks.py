"""`explainer webhooks`: subscribe helpdesks to events, list, remove, deliver."""

from __future__ import annotations

import json
import sys

import click

from explainer.cli.context import serviced
from explainer.cli.formats import table_text
from explainer.webhooks.events import EVENTS

__all__ = ["register"]


@click.group("webhooks")
def webhooks() -> None:
    """Signed webhooks to a helpdesk (docs/webhooks.md)."""


@webhooks.command("add")
@click.option("--url", required=True, help="Where to POST events (https; see docs).")
@click.option(
    "--event", "events", multiple=True, required=True, type=click.Choice(EVENTS), help="Repeatable."
)
@click.option(
    "--secret-stdin",
    is_flag=True,
    help="Read the whsec_ secret from standard input (else one is made and printed once).",
)
def add(url: str, events: tuple[str, ...], secret_stdin: bool) -> None:
    """Subscribe URL to EVENTs; the secret is printed alone on the last line when made here."""
    given = sys.stdin.readline().strip() if secret_stdin else None
    with serviced(upgrade=True) as service:
        made, secret = service.webhooks.add(url, list(events), given)
    click.echo(f"subscribed {made['id']} to {', '.join(sorted(set(events)))} at {url}")
    if given is None:
        click.echo("its signing secret (store it now; give it to the receiver):")
        click.echo(secret)


@webhooks.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
def listing(as_json: bool) -> None:
    """Subscriptions with their messages by state (never the secret)."""
    with serviced(upgrade=True) as service:
        rows = service.webhooks.listing()
    if as_json:
        click.echo(json.dumps(rows, default=str, indent=2))
        return
    if not rows:
        click.echo("no webhook subscriptions")
        return
    table = [
        [
            r["id"],
            r["url"],
            ", ".join(r["events"]),
            " ".join(f"{k} {v}" for k, v in sorted(r["messages"].items())) or "-",
        ]
        for r in rows
    ]
    click.echo(table_text(["id", "url", "events", "messages"], table))


@webhooks.command("remove")
@click.argument("subscription_id")
def remove(subscription_id: str) -> None:
    """Unsubscribe; its undelivered messages are dropped."""
    with serviced(upgrade=True) as service:
        service.webhooks.remove(subscription_id)
    click.echo(f"removed {subscription_id}")


@webhooks.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def deliver(once: bool) -> None:
    """Deliver outbox messages in this process (for `EXPLAINER_WEBHOOK_DELIVER=0` serving)."""
    with serviced(upgrade=True) as service:
        deliverer = service.webhooks.deliverer()
        if once:
            sent = deliverer.run_once()
            click.echo(f"delivered {sent} message{'s' if sent != 1 else ''}")
            return
        click.echo("delivering webhooks; Ctrl-C stops", err=True)
        try:
            deliverer.run_forever()
        except KeyboardInterrupt:
            pass
        finally:
            deliverer.stop()


def register(group: click.Group) -> None:
    """Add the webhooks commands to the CLI."""
    group.add_command(webhooks)
