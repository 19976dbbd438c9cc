"""Engines for SQLite and PostgreSQL, serialised write transactions, and migrations.

Every engine is watched by :mod:`explainer.store.recovery` (faults answer 503 and
service comes back with the database). Lock waits are bounded (``LOCK_TIMEOUT``) well
below a worker's timeout.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text

from explainer.errors import StorageUnavailable
from explainer.store import recovery

__all__ = [
    "LOCK_TIMEOUT",
    "PROBE_TIMEOUT",
    "make_engine",
    "migrate",
    "probe_write",
    "reading",
    "scrub",
    "writing",
]

LOCK_TIMEOUT = 5.0  # seconds a write may wait for the write lock; gunicorn's timeout is 30
PROBE_TIMEOUT = 0.25  # seconds the readiness probe waits: it must never queue behind a lock
_WRITE = "explainer_write"
_AUTOCOMMIT = "explainer_autocommit"
_LOCK_WAIT = "explainer_lock_timeout"
_PG_LOCK = 0x45584C4F47  # "EXLOG": one advisory lock serialises log appends
_PG_TAKE_LOCK = text(
    "SELECT pg_advisory_xact_lock(:k) FROM (SELECT set_config('lock_timeout', :w, true)) AS bound"
)
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def make_engine(url: str, lock_timeout: float = LOCK_TIMEOUT) -> Engine:
    """An engine for ``url``; SQLite gets WAL, synchronous=FULL, foreign keys, busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(
            parsed,
            connect_args={"connect_timeout": 5},
            execution_options={_LOCK_WAIT: lock_timeout},
        )
        return recovery.watch(engine)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, execution_options={_LOCK_WAIT: lock_timeout})
    event.listen(engine, "connect", _sqlite_connect(lock_timeout))
    event.listen(engine, "begin", _sqlite_begin)
    return recovery.watch(engine)


def _sqlite_connect(lock_timeout: float) -> Any:
    def connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is lazy).
        dbapi_connection.isolation_level = None
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "secure_delete=ON",  # erased text is overwritten, not left in free pages
            f"busy_timeout={int(lock_timeout * 1000)}",
        ):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    return connect


def _sqlite_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    if options.get(_AUTOCOMMIT):
        return  # each statement its own read transaction (see ``reading``)
    # A writer takes the write lock up front, so its reads see the latest log head.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_WRITE) else "BEGIN")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for a few reads, each its own snapshot: no transaction is opened.

    On PostgreSQL a transaction costs two round trips (BEGIN, and the ROLLBACK when the
    connection goes back to the pool) around what may be a one-statement read; a page
    that reads one state row pays for three instead of one. On SQLite the explicit BEGIN
    is a statement of its own (switching the isolation level instead costs a PRAGMA each
    way), so it is left out: the driver runs in autocommit, and each SELECT reads in its
    own implicit transaction.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        else:
            conn.execution_options(**{_AUTOCOMMIT: True})
        yield conn


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction, serialised against every other writer; commits on success."""
    with _writer_turn(engine), engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            if engine.dialect.name == "postgresql":
                seconds = conn.get_execution_options().get(_LOCK_WAIT, LOCK_TIMEOUT)
                wait = f"{int(seconds * 1000)}ms"
                # One round trip: the bound on the wait, then the wait (a round trip to a
                # server on the same cores costs about a quarter of a millisecond).
                conn.execute(_PG_TAKE_LOCK, {"w": wait, "k": _PG_LOCK})
            yield conn


@contextmanager
def _writer_turn(engine: Engine) -> Iterator[None]:
    # SQLite's own wait for its write lock sleeps 1, 2, 5, 10 ... ms between tries, while a
    # write holds it for well under a millisecond: writers queueing there spend most of
    # their time asleep on a free lock. Taking turns on a file lock first, polled at
    # sub-millisecond steps, hands the lock over as soon as it is free; SQLite's lock is
    # still what makes the write safe (other programs, the fault suite's holders).
    path = _lock_path(engine)
    if path is None:
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only folder: SQLite reports the write's own failure
        yield
        return
    try:
        _take_turn(fd, engine.get_execution_options().get(_LOCK_WAIT, LOCK_TIMEOUT))
        yield
    finally:
        os.close(fd)  # releases the lock


def _take_turn(fd: int, seconds: float) -> None:
    deadline, pause = time.monotonic() + seconds, 0.00005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StorageUnavailable("the database is busy; try again") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.001)


def _lock_path(engine: Engine) -> str | None:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database + "-writer"


def probe_write(engine: Engine, statement: Any) -> bool:
    """Whether ``statement`` (a one-row write) commits within PROBE_TIMEOUT."""
    ms = int(PROBE_TIMEOUT * 1000)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                _probe_sqlite(conn, statement, ms)
                return True
            with conn.begin():
                for name in ("lock_timeout", "statement_timeout"):
                    conn.execute(
                        text("SELECT set_config(:n, :v, true)"), {"n": name, "v": f"{ms}ms"}
                    )
                conn.execute(statement)
    except Exception:  # any failure to write in time means "not ready"
        return False
    return True


def _probe_sqlite(conn: Connection, statement: Any, ms: int) -> None:
    # The busy timeout is the connection's own: shorten it for the probe, then restore it.
    raw = conn.connection.driver_connection
    assert raw is not None
    restore = int(conn.get_execution_options().get(_LOCK_WAIT, LOCK_TIMEOUT) * 1000)
    raw.execute(f"PRAGMA busy_timeout={ms}")
    try:
        with conn.begin():
            conn.execute(statement)
    finally:
        raw.execute(f"PRAGMA busy_timeout={restore}")


# Tables whose rows an erasure or purge deletes (PostgreSQL vacuums them afterwards).
_ERASED_FROM = ("payloads", "idempotency_keys")


def scrub(engine: Engine) -> str:
    """After an erasure: make deleted rows leave the files, as far as the database can.

    SQLite deletes with ``secure_delete`` (zeros, not free pages) and then checkpoints the
    WAL in TRUNCATE mode, so no erased byte stays in ``-wal``; a reader holding an old
    snapshot can make it wait, which is reported rather than hidden. PostgreSQL vacuums
    the tables, so the dead row versions are reclaimed; docs/store.md says what else may
    hold them (WAL segments, backups, replicas).
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        return "wal truncated" if busy == 0 else "wal checkpoint deferred by a reader"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in _ERASED_FROM:
            conn.exec_driver_sql(f"VACUUM {table}")
    return "vacuumed"


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run the packaged Alembic migrations up to ``revision``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with writing(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
