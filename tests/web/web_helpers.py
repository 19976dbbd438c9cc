"""Helpers shared by the web tests (imported as ``web_helpers``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

SECRET = "test-secret-key-for-links"
PUBLIC_URL = "https://explainer.test"


def app_config(db_url: str, models_dir: Path, tmp_path: Path, **extra: Any) -> dict[str, Any]:
    """Settings for a test app."""
    return {
        "DATABASE_URL": db_url,
        "MODELS_DIR": str(models_dir),
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": SECRET,
        "PUBLIC_URL": PUBLIC_URL,
        "CHECKPOINT_EVERY": 1000,
        **extra,
    }


@dataclass(frozen=True)
class Keys:
    """Bearer headers for keys of each kind."""

    admin: dict[str, str]
    write: dict[str, str]
    read: dict[str, str]
    both: dict[str, str]


def ticket(**overrides: Any) -> dict[str, Any]:
    """A valid ticket body (SPEC section 1)."""
    body: dict[str, Any] = {
        "ticket_id": "T-1001",
        "subject": "Can't log in since this morning",
        "body": "Hi, the app says my password is wrong but I reset it twice. "
        "Reach me at jane@example.org",
        "channel": "email",
        "language": "en",
        "customer": {
            "id": "C-42",
            "name": "Jane Roe",
            "email": "jane@example.org",
            "plan": "business",
            "account_age_days": 412,
            "open_tickets": 1,
            "region": "EU",
        },
    }
    body.update(overrides)
    return body


def everything_stored(app: Any) -> str:
    """Every row of every table of the app's store, as text (for leak checks)."""
    from sqlalchemy import inspect, select

    from explainer.store.tables import metadata

    engine = app.extensions["explainer"].store.engine
    with engine.connect() as conn:
        return "\n".join(
            repr(tuple(row))
            for name in inspect(engine).get_table_names()
            if name in metadata.tables
            for row in conn.execute(select(metadata.tables[name]))
        )
