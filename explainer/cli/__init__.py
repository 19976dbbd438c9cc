"""The ``explainer`` command: one module per command group."""

from explainer.cli.main import main

__all__ = ["main"]
