"""Store fixtures: every store test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_helpers import fresh_schema, reachable_postgres_url

from explainer.settings import Settings
from explainer.store import Store


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A URL for a fresh PostgreSQL schema, dropped at the end of the session."""
    with fresh_schema(reachable_postgres_url()) as scoped:
        yield scoped


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL per test: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'explainer.db'}"
        return
    base: str = request.getfixturevalue("postgres_url").split("?")[0]
    with fresh_schema(base) as scoped:
        yield scoped


@pytest.fixture
def make_store(db_url: str, tmp_path: Path) -> Iterator[object]:
    """A factory for migrated stores over this test's database (disposed at the end)."""
    made: list[Store] = []

    def make(**config: object) -> Store:
        settings = {
            "DATABASE_URL": db_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "CHECKPOINT_EVERY": 1000,
            "HEAD_INTERVAL_SECONDS": 3600,  # heads on demand: no timer signs mid-test
            "RETENTION_DAYS": 30,
            **config,
        }
        store = Store.from_settings(Settings.load(settings))
        store.upgrade()
        made.append(store)
        return store

    yield make
    for store in made:
        store.dispose()


@pytest.fixture
def store(make_store: object) -> Store:
    """A migrated store with checkpoints on demand only."""
    assert callable(make_store)
    result = make_store()
    assert isinstance(result, Store)
    return result
