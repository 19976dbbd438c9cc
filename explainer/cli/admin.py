"""Store commands: db upgrade, keys, links, export, erase, purge."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from explainer.cli.context import serviced
from explainer.cli.formats import Duration, table_text
from explainer.schemas import SCOPES
from explainer.service.admin import Admin

__all__ = ["register"]


def _run(action: Callable[[Admin], Any]) -> Any:
    """Run ``action`` on the service's admin door (migrating first, so a fresh database
    works); domain errors exit with code 2."""
    with serviced(upgrade=True) as service:
        return action(service.admin)


@click.group("db")
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply migrations up to the newest revision."""
    click.echo("applying migrations...", err=True)
    _run(lambda s: s.upgrade())
    click.echo("database is up to date")


@click.group("keys")
def keys() -> None:
    """API keys."""


@keys.command("create")
@click.option("--name", required=True, help="Who or what the key is for.")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(sorted(SCOPES)))
@click.option(
    "--expires-in",
    type=Duration(),
    help="Stop accepting the key after this long, e.g. 90d or 12h (default: never).",
)
def keys_create(name: str, scopes: tuple[str, ...], expires_in: timedelta | None) -> None:
    """Create a key; the key itself is printed alone on the last line (shown once)."""
    expires = None if expires_in is None else datetime.now(UTC) + expires_in
    plaintext, key_id = _run(lambda s: s.create_api_key(name, list(scopes), expires))
    until = "" if expires is None else f", expires {expires:%Y-%m-%d %H:%M} UTC"
    click.echo(f"created key {key_id} ({', '.join(scopes)}{until}); store it now, it is not kept:")
    click.echo(plaintext)


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of a table.")
def keys_list(as_json: bool) -> None:
    """Every key: id, name, scopes, created, expires, last used, revoked (never the key)."""
    found = _run(lambda s: s.list_api_keys())
    if as_json:
        click.echo(json.dumps(found, indent=2, default=_when))
        return
    if not found:
        click.echo("no API keys yet; make one with `explainer keys create`", err=True)
        return
    click.echo(table_text(_KEY_COLUMNS, [_key_cells(k) for k in found]))


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id."""
    if not _run(lambda s: s.revoke_api_key(key_id)):
        click.echo(f"error: no active key {key_id}", err=True)
        sys.exit(1)
    click.echo(f"revoked key {key_id}")


@click.group("links")
def links() -> None:
    """Customer links."""


@links.command("reissue")
@click.argument("decision_id")
def links_reissue(decision_id: str) -> None:
    """Revoke the live customer link (if any) and print a new one, valid from now."""
    with serviced(upgrade=True) as service:
        url = service.reissue_link(decision_id, actor="cli")
    click.echo(f"reissued the link of {decision_id}; earlier links no longer open:", err=True)
    click.echo(url)


@links.command("revoke")
@click.argument("decision_id")
def links_revoke(decision_id: str) -> None:
    """Revoke the customer link of one decision."""
    _run(lambda s: s.revoke_link(decision_id))
    click.echo(f"revoked the link of {decision_id}")


@click.command("export")
@click.option("--customer", "customer_id", required=True, help="The customer id.")
@click.option("--out", type=click.Path(path_type=Path), help="Write here instead of stdout.")
def export(customer_id: str, out: Path | None) -> None:
    """Everything held about one customer, as JSON."""
    data = _run(lambda s: s.export_customer(customer_id))
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    if out is None:
        click.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    click.echo(f"wrote {len(data['decisions'])} decisions to {out}", err=True)


@click.command("erase")
@click.option("--customer", "customer_id", required=True, help="The customer id.")
def erase(customer_id: str) -> None:
    """Erase one customer's personal data (the log keeps verifying)."""
    counts = _run(lambda s: s.erase_customer(customer_id))
    click.echo(_counts("erased", counts))


@click.command("purge")
def purge() -> None:
    """Erase personal data older than the retention period."""
    counts = _run(lambda s: s.purge())
    click.echo(_counts(f"purged payload older than {counts['cutoff']}:", counts))


def _counts(verb: str, counts: dict[str, Any]) -> str:
    parts = [
        f"{counts[k]} {k.replace('_', ' ')}s" for k in ("decision", "review_request", "feedback")
    ]
    extra = f", revoked {counts['links_revoked']} links" if "links_revoked" in counts else ""
    record = f" (logged as {counts['erasure_id']})" if counts.get("erasure_id") else ""
    disk = f"; on disk: {counts['disk']}" if counts.get("disk") else ""
    return f"{verb} {', '.join(parts)}{extra}{record}{disk}"


_KEY_COLUMNS = ("id", "name", "scopes", "created", "expires", "last used", "state")


def _when(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _minute(value: datetime | None, empty: str) -> str:
    return empty if value is None else f"{value:%Y-%m-%d %H:%M}"


def _key_cells(key: dict[str, Any]) -> list[str]:
    expired = key["expires_at"] is not None and key["expires_at"] <= datetime.now(UTC)
    state = "revoked" if key["revoked_at"] else "expired" if expired else "active"
    return [
        key["id"],
        key["name"],
        ",".join(key["scopes"]),
        _minute(key["created_at"], "-"),
        _minute(key["expires_at"], "never"),
        _minute(key["last_used_at"], "never"),
        state,
    ]


def register(group: click.Group) -> None:
    """Add this module's commands to ``group``."""
    for command in (db, keys, links, export, erase, purge):
        group.add_command(command)
