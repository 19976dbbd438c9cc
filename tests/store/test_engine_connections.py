"""What a pooled connection costs before its first statement, and what that risks.

A server connection is pinged before use only after it sat idle in the pool. Both paths
end in service: a connection that died while idle is replaced before the request sees
it, and one that died within the ping-free second fails one statement with
StorageUnavailable (503), after which the pool connects afresh. A reading connection
opens no transaction on either database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_helpers import reachable_postgres_url
from sqlalchemy import Engine, create_engine, text

from explainer.errors import StorageUnavailable
from explainer.store import engine as engines
from explainer.store import recovery


def _backend_pid(engine: Engine) -> int:
    query = "SELECT pg_backend_pid()" if engine.dialect.name == "postgresql" else "SELECT 1"
    with engine.connect() as conn:
        return int(conn.execute(text(query)).scalar_one())


def _terminate(url: str, pid: int) -> None:
    admin = create_engine(url)
    try:
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    finally:
        admin.dispose()


@pytest.fixture
def pg_url() -> str:
    return reachable_postgres_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def pooled(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, list[int]]]:
    """An engine whose one pooled connection was opened (and pinged) once, and a list
    that collects a 1 for every ping after that."""
    sqlite = f"sqlite:///{tmp_path / 'pool.db'}"
    url = sqlite if request.param == "sqlite" else reachable_postgres_url()
    engine = engines.make_engine(url)
    try:
        _backend_pid(engine)
        pings: list[int] = []
        real = engine.dialect.do_ping

        def ping(dbapi_connection: object) -> bool:
            pings.append(1)
            return bool(real(dbapi_connection))

        engine.dialect.do_ping = ping  # type: ignore[method-assign]
        yield engine, pings
    finally:
        engine.dispose()


def test_a_busy_connection_is_used_without_a_ping(pooled: tuple[Engine, list[int]]) -> None:
    engine, pings = pooled
    for _ in range(5):
        _backend_pid(engine)
    assert not pings


def test_a_connection_idle_for_longer_than_the_threshold_is_pinged(
    pooled: tuple[Engine, list[int]],
) -> None:
    # The real threshold and a real wait, unlike the tests below that patch it.
    engine, pings = pooled
    time.sleep(recovery.PING_AFTER_IDLE + 0.2)
    _backend_pid(engine)
    assert len(pings) == 1
    _backend_pid(engine)  # back within the second: no second ping
    assert len(pings) == 1


def test_a_connection_that_died_while_idle_is_replaced_unseen(pg_url: str) -> None:
    # A real second of idleness, not a patched threshold.
    engine = engines.make_engine(pg_url)
    try:
        first = _backend_pid(engine)
        _terminate(pg_url, first)
        time.sleep(recovery.PING_AFTER_IDLE + 0.2)
        assert _backend_pid(engine) != first  # no error reached the caller
    finally:
        engine.dispose()


def test_a_connection_that_died_while_busy_fails_once_then_serves(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recovery, "PING_AFTER_IDLE", 3600.0)  # never pinged once pooled
    engine = engines.make_engine(pg_url)
    try:
        first = _backend_pid(engine)
        _terminate(pg_url, first)
        with pytest.raises(StorageUnavailable):
            _backend_pid(engine)
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_sqlite_reading_connection_holds_no_transaction(tmp_path: Path) -> None:
    engine = engines.make_engine(f"sqlite:///{tmp_path / 'read.db'}")
    try:
        with engines.writing(engine) as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        with engines.reading(engine) as conn:
            assert conn.execute(text("SELECT x FROM t")).scalar_one() == 1
            # Autocommit: no BEGIN was sent, so nothing pins a snapshot between reads.
            assert not conn.connection.driver_connection.in_transaction
            with engines.writing(engine) as writer:
                writer.execute(text("UPDATE t SET x = 2"))
            assert conn.execute(text("SELECT x FROM t")).scalar_one() == 2
    finally:
        engine.dispose()
