"""Database faults answer 503, and service comes back by itself when the database does.

Faults become the project's own :class:`StorageUnavailable` in one ``handle_error``
hook, so every surface answers 503 instead of 500. A connection that failed that way
(lost, refused, read-only) is dropped with the rest of its pool, and pooled connections
are pinged before use when they sat idle, so the next request meets the repaired
database.
"""

from __future__ import annotations

import gc
import time
import weakref
from typing import Any

from sqlalchemy import Engine, event, exc
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.pool import ConnectionPoolEntry

from explainer.errors import StorageUnavailable

__all__ = ["PING_AFTER_IDLE", "watch"]

# Driver messages that mean "the database cannot serve this now", not "this request is wrong".
_UNAVAILABLE = (
    "database is locked",
    "readonly database",
    "read-only transaction",
    "unable to open database",
    "disk i/o error",
    "disk is full",
    "lock timeout",
    "canceling statement due to lock timeout",
    "the database system is",  # starting up / shutting down / in recovery mode
    "terminating connection",
    "connection refused",
    "server closed the connection",
    "could not connect",
    "connection is closed",
    "connection failed",
)
# Of those, the waits after which the connection itself is still good; after any other
# fault it is dropped, so that a repaired database is met by a fresh connection.
_CONNECTION_STILL_GOOD = ("database is locked", "lock timeout")

# A pooled connection back for less than this is used without a ping (see
# _ping_when_idle); one idle longer is pinged first.
PING_AFTER_IDLE = 1.0
_RETURNED = "explainer_returned_at"


def watch(engine: Engine) -> Engine:
    """Translate ``engine``'s faults, ping its idle connections; return it."""
    event.listen(engine, "checkin", _returned)
    event.listen(engine, "checkout", _ping_when_idle(engine))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "do_connect", _collect_zombies(engine))
    event.listen(engine, "handle_error", _translate)
    return engine


def _returned(_dbapi_connection: Any, entry: ConnectionPoolEntry) -> None:
    entry.info[_RETURNED] = time.monotonic()


def _ping_when_idle(engine: Engine) -> Any:
    """Ping a pooled connection before use only when it sat idle in the pool.

    A ping is a statement (on PostgreSQL a round trip to the server, about a quarter of a
    millisecond here, a fifth of a why page), and a busy worker checks a connection out
    for every request. A connection back within ``PING_AFTER_IDLE`` met the server that
    recently; one that breaks anyway (a restart within that second) fails its statement,
    which answers 503 and drops the whole pool (``_translate``), so the next request
    connects afresh.
    """

    def checkout(dbapi_connection: Any, entry: ConnectionPoolEntry, _proxy: Any) -> None:
        returned = entry.info.get(_RETURNED)
        if returned is not None and time.monotonic() - returned < PING_AFTER_IDLE:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: the pool drops it and connects afresh
            raise exc.DisconnectionError(str(error)) from error
        if not alive:
            raise exc.DisconnectionError("the database did not answer the ping")

    return checkout


def _translate(context: ExceptionContext) -> BaseException | None:
    """A database fault as StorageUnavailable (503); anything else is left as it is."""
    message = str(context.original_exception).lower()
    if not (context.is_disconnect or any(m in message for m in _UNAVAILABLE)):
        return None
    if not any(m in message for m in _CONNECTION_STILL_GOOD):
        # Drop every pooled connection (they were opened into the same fault; a read-only
        # one even passes the ping): the next ones meet the repaired database.
        context.is_disconnect = True
        cursor = getattr(context, "cursor", None)  # unset when connecting failed
        if cursor is not None:
            cursor.close()  # finalize the failed statement now (see _collect_zombies)
        if context.engine is not None and context.dialect.name == "sqlite":
            _ZOMBIE_RISK.add(context.engine)
    return StorageUnavailable("the database cannot take this request right now; try again")


# SQLite keeps a connection that still has an unfinalized statement open after close()
# (a "zombie"), and tracebacks of failed requests keep such statements alive in
# reference cycles until the garbage collector runs. A zombie opened into a read-only
# file keeps every later connection to that file in the process on its read-only
# shared memory, so the service would not recover when the file is writable again.
# Engines that met a fault collect garbage once before their next connection opens.
_ZOMBIE_RISK: weakref.WeakSet[Engine] = weakref.WeakSet()


def _collect_zombies(engine: Engine) -> Any:
    def before_connect(*_args: Any) -> None:
        if engine in _ZOMBIE_RISK:
            _ZOMBIE_RISK.discard(engine)
            gc.collect()

    return before_connect
