"""Helpers for the customer-page tests (imported as ``customer_helpers``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask

from explainer.schemas import TicketIn
from explainer.web.app import build_app

SECRET = "customer-test-secret"
WIDGET_ORIGIN = "https://help.example.com"
JSON = {"Accept": "application/json"}


def customer_app(models_dir: Path, tmp_path: Path, **extra: Any) -> Flask:
    """The real app over a fresh, migrated SQLite database."""
    app = build_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'explainer.db'}",
            "MODELS_DIR": str(models_dir),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": SECRET,
            "PUBLIC_URL": "http://localhost",
            "WIDGET_ORIGINS": [WIDGET_ORIGIN],
            **extra,
        }
    )
    app.extensions["explainer"].store.upgrade()
    return app


def make(app: Flask, subject: str, body: str = "") -> tuple[str, str]:
    """Store a decision; ``(decision id, /why/ path)``."""
    service = app.extensions["explainer"]
    decision, _ = service.create(
        TicketIn(subject=subject, body=body), idempotency_key=None, api_key_id=None
    )
    url = decision.links.why
    return str(decision.id), url[url.index("/why/") :]


def csrf_of(page: str) -> str:
    """The CSRF token in a rendered form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)
