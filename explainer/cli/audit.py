"""``explainer audit``: verify the log (with receipts and witnessed heads), witness it,
make a log key."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import click

from explainer.cli.context import fail, serviced
from explainer.errors import ExplainerError
from explainer.service.admin import Admin
from explainer.tlog import witness as witnessing
from explainer.tlog.keys import create_key, public_b64

__all__ = ["register"]


@click.group("audit")
def audit() -> None:
    """Accountability: the tamper-evident log."""


@audit.command("verify")
@click.option(
    "--receipts",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON Lines of receipts or whole decision answers, kept outside the data.",
)
@click.option(
    "--witness",
    "witness_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A witness file (`explainer audit witness --out`), kept outside the data.",
)
def verify(receipts: Path | None, witness_file: Path | None) -> None:
    """Recompute the log; check receipts and witnessed heads. Exit 1 naming each failure."""
    try:
        held = _lines(receipts, "receipts") if receipts else []
        seen = _lines(witness_file, "witness") if witness_file else []
    except ExplainerError as exc:
        fail(exc)
    what = ["every record", "every signed head"]
    what += [f"{len(held)} receipts"] if receipts else []
    what += [f"{len(seen)} witnessed heads"] if witness_file else []
    click.echo(f"verifying the log ({', '.join(what)})...", err=True)
    with serviced() as service:
        result = service.admin.verify_log(held, seen)
    if not result.ok:
        click.echo(f"FAILED: first bad record: {result.first_bad}", err=True)
        for problem in result.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo(result.message)


@audit.command("witness")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The witness file to check against and append to (keep it away from the data).",
)
@click.option("--url", help="A running service's base URL (default: the configured store).")
@click.option("--public-key", help="The log's base64 public key, pinned on first use.")
def witness(out: Path, url: str | None, public_key: str | None) -> None:
    """Take the latest signed head, check it extends the last witnessed one, append it."""
    try:
        if url is not None:
            done = witnessing.witness(out, _HttpSource(url), public_key)
        else:
            with serviced() as service:
                done = witnessing.witness(out, _StoreSource(service.admin), public_key)
    except ExplainerError as exc:
        fail(exc)
    entry = done.entry
    if done.first:
        click.echo(f"pinned log {entry['log_id']} with public key {entry['public_key']}", err=True)
    click.echo(
        f"witnessed {entry['log_id']} at {entry['tree_size']} records "
        f"(+{done.grew_by} since the last head in {out})"
    )


@audit.command("keygen")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def keygen(out: Path) -> None:
    """Make a new Ed25519 log key (PEM, mode 0600) for EXPLAINER_LOG_KEY_FILE."""
    if out.exists():
        fail(ExplainerError(f"{out} exists; a log key is never overwritten"))
    key = create_key(out)
    click.echo(f"wrote {out}; public key {public_b64(key.public_key())}")


def _lines(path: Path, what: str) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append((f"{what} line {number}", json.loads(line)))
        except ValueError:
            raise ExplainerError(f"{path} line {number} is not JSON") from None
    return found


class _StoreSource:
    def __init__(self, admin: Admin) -> None:
        self._admin = admin

    def public(self) -> dict[str, Any]:
        return self._admin.log_public()

    def consistency(self, first: int, second: int) -> list[str]:
        return self._admin.log_consistency(first, second)


class _HttpSource:
    def __init__(self, base: str) -> None:
        self._base = base.rstrip("/") + "/api/v1/log"

    def public(self) -> dict[str, Any]:
        return self._get(self._base)

    def consistency(self, first: int, second: int) -> list[str]:
        query = urllib.parse.urlencode({"first": first, "second": second})
        return list(self._get(f"{self._base}/consistency?{query}")["proof"])

    def _get(self, url: str) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - http(s) only
                return dict(json.loads(answer.read()))
        except (urllib.error.URLError, ValueError) as exc:
            raise ExplainerError(f"could not read {url}: {exc}") from None


def register(group: click.Group) -> None:
    """Add ``audit`` to ``group``."""
    group.add_command(audit)
