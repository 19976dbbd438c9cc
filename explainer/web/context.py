"""This application's service and settings, as views reach them."""

from __future__ import annotations

from flask import current_app

from explainer.service import Service
from explainer.settings import Settings

__all__ = ["EXTENSION", "service", "settings"]

EXTENSION = "explainer"


def service() -> Service:
    """The one service of the current application."""
    found = current_app.extensions[EXTENSION]
    assert isinstance(found, Service)
    return found


def settings() -> Settings:
    """The settings the application was built with."""
    found: Settings = service().settings
    return found
