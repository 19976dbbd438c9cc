"""Helpers for the auditor-console tests (imported as ``auditor_helpers``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from explainer.schemas import TicketIn
from explainer.store.accounts import Accounts
from explainer.web.app import build_app

SECRET = "auditor-test-secret"
PASSWORD = "correct horse battery staple"
ROLES = ("auditor", "reviewer", "admin")


def console_app(db_url: str, models_dir: Path, tmp_path: Path, **extra: Any) -> Flask:
    """The real app over a migrated database."""
    app = build_app(
        {
            "DATABASE_URL": db_url,
            "MODELS_DIR": str(models_dir),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": SECRET,
            "PUBLIC_URL": "http://localhost",
            "CHECKPOINT_EVERY": 1000,
            **extra,
        }
    )
    app.extensions["explainer"].store.upgrade()
    return app


def accounts(app: Flask) -> Accounts:
    """The app's Accounts."""
    found = app.extensions["explainer"].accounts
    assert isinstance(found, Accounts)
    return found


def csrf_of(page: str) -> str:
    """The first CSRF token in a rendered form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Post the login form (with its CSRF token); the response."""
    token = csrf_of(client.get("/audit/login").get_data(as_text=True))
    return client.post(
        "/audit/login", data={"username": username, "password": password, "csrf_token": token}
    )


def signed_in(app: Flask, role: str, username: str | None = None) -> FlaskClient:
    """A client signed in as a new user with ``role``."""
    name = username or f"{role}-user"
    accounts(app).create_user(name, PASSWORD, role, actor="test")
    client = app.test_client()
    response = sign_in(client, name)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def page_token(client: FlaskClient, path: str = "/audit/") -> str:
    """The CSRF token of a signed-in page."""
    return csrf_of(client.get(path).get_data(as_text=True))


def decide(app: Flask, subject: str, body: str = "", **ticket: Any) -> dict[str, Any]:
    """Store a decision through the service; the decision with its links."""
    service = app.extensions["explainer"]
    decision, _ = service.create(
        TicketIn.model_validate({"subject": subject, "body": body, **ticket}),
        idempotency_key=None,
        api_key_id=None,
    )
    return decision.wire()


def why_path(decision: dict[str, Any]) -> str:
    """The /why/ path of a decision's customer link."""
    url = str(decision["links"]["why"])
    return url[url.index("/why/") :]
