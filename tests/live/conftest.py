"""A live ``explainer serve`` (gunicorn) for the client's and schemathesis's tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_helpers import fresh_schema, reachable_postgres_url
from served_app import Live, Served, migrated_with_key


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new SQLite file, or a new schema on the machine's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'explainer.db'}"
        return
    with fresh_schema(reachable_postgres_url()) as scoped:
        yield scoped


@pytest.fixture
def live(database_url: str, models_dir: Path, tmp_path: Path) -> Iterator[Live]:
    """``explainer serve`` (gunicorn, two sync workers) with the session's models."""
    shutil.copytree(models_dir, tmp_path / "models")
    env = {
        "EXPLAINER_DATABASE_URL": database_url,
        "EXPLAINER_MODELS_DIR": str(tmp_path / "models"),
        "EXPLAINER_INSTANCE_PATH": str(tmp_path / "instance"),
        "EXPLAINER_SECRET_KEY": "client-tests",
        "EXPLAINER_LOCK_TIMEOUT_SECONDS": "1",
    }
    key = migrated_with_key(env, "client")
    served = Served(env)
    try:
        served.start()
        yield Live(served, database_url, key)
    finally:
        served.stop()
        log = tmp_path / "serve.log"
        if log.exists():  # shown by pytest for a failing test
            print(log.read_text("utf-8", "replace")[-4000:])
