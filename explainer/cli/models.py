"""``explainer models upgrade``: give versions written by older releases a serving form."""

from __future__ import annotations

import click

from explainer.cli.context import fail
from explainer.errors import ExplainerError
from explainer.model.registry import MODEL_NAMES, current_version, upgrade_version
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
