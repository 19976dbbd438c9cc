"""Helpers for test suites: a throwaway PostgreSQL schema, and the skip-or-fail rule.

Used by ``tests/store`` and reusable by the web tests::

    url = postgres_url_for_tests()
    reason = postgres_unavailable(url)
    with fresh_schema(url) as scoped_url:
        store = Store.from_settings(Settings.load({"DATABASE_URL": scoped_url, ...}))
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

__all__ = [
    "DEFAULT_POSTGRES_URL",
    "fresh_schema",
    "postgres_unavailable",
    "postgres_url_for_tests",
    "reachable_postgres_url",
]

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url_for_tests() -> str:
    """``EXPLAINER_TEST_POSTGRES_URL`` or the local default."""
    return os.environ.get("EXPLAINER_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def postgres_unavailable(url: str) -> str | None:
    """None when PostgreSQL at ``url`` answers, else the reason it does not."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        where = make_url(url).render_as_string()
        return f"PostgreSQL at {where} is unreachable: {exc.__class__.__name__}"
    finally:
        engine.dispose()
    return None


def reachable_postgres_url() -> str:
    """The test server's URL; skip the test when it is unreachable, but fail under CI."""
    import pytest

    url = postgres_url_for_tests()
    reason = postgres_unavailable(url)
    if reason is not None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{reason} (required under CI)")
        pytest.skip(reason)
    return url


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """Create a randomly named schema; yield a URL whose connections use it; drop it after."""
    name = f"explainer_test_{secrets.token_hex(6)}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        admin.dispose()
