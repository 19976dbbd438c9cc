"""Web fixtures: the real app over SQLite and PostgreSQL, with API keys of each scope."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from postgres_helpers import fresh_schema, reachable_postgres_url
from web_helpers import Keys, app_config

from explainer.web.app import build_app


@pytest.fixture(scope="session")
def web_postgres_url() -> str:
    """The PostgreSQL server URL; skip when unreachable, but fail under CI."""
    return reachable_postgres_url()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database per test: a new SQLite file or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'explainer.db'}"
        return
    with fresh_schema(request.getfixturevalue("web_postgres_url")) as scoped:
        yield scoped


@pytest.fixture
def app(db_url: str, models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    """The real application over a migrated database."""
    application = build_app(app_config(db_url, models_dir, tmp_path))
    service = application.extensions["explainer"]
    service.store.upgrade()
    yield application
    service.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def keys(app: Flask) -> Keys:
    """API keys with admin, write-only, read-only and read+write scopes."""
    store = app.extensions["explainer"].store

    def bearer(*scopes: str) -> dict[str, str]:
        plaintext, _ = store.api_keys.create("test " + "+".join(scopes), list(scopes))
        return {"Authorization": f"Bearer {plaintext}"}

    return Keys(
        admin=bearer("admin"),
        write=bearer("decisions:write"),
        read=bearer("decisions:read"),
        both=bearer("decisions:write", "decisions:read"),
    )
