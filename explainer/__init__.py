"""Explainer: explained, auditable ticket triage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from explainer.settings import Settings

__all__ = ["create_app"]
__version__ = "0.1.0"


def create_app(settings: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the web application (imported lazily: the domain code never needs Flask)."""
    from explainer.web.app import build_app

    return build_app(settings)
