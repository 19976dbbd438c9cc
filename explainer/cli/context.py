"""How a command reaches the service: settings read once, domain errors as exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from explainer.errors import ExplainerError
from explainer.service import Service
from explainer.settings import Settings

__all__ = ["fail", "serviced"]


def fail(exc: ExplainerError) -> NoReturn:
    """Print a domain error's detail and exit with code 2."""
    click.echo(f"error: {exc.detail}", err=True)
    sys.exit(2)


@contextmanager
def serviced(
    settings: Settings | None = None,
    *,
    models: bool = False,
    upgrade: bool = False,
    **overrides: Any,
) -> Iterator[Service]:
    """The service for one command; its connections are closed afterwards.

    ``models`` loads the models in service; ``upgrade`` applies migrations first (for
    commands that may run before ``explainer db upgrade``).
    """
    try:
        service = Service.from_settings(settings or Settings.load(overrides), models=models)
    except ExplainerError as exc:
        fail(exc)
    try:
        if upgrade:
            service.admin.upgrade()
        yield service
    except ExplainerError as exc:
        fail(exc)
    finally:
        service.shutdown()  # a final signed head when the command wrote records
