"""The store's API keys as one object: make, expire, revoke, authenticate, list.

When a key was last used is kept in memory as requests authenticate and written at most
once a minute by a timer (and on a clean stop), never in the request: API reads do
not write, and a busy or read-only database only delays the note.

A key that authenticated is remembered for ``AUTH_CACHE_SECONDS`` (by the SHA-256 of the
bearer token, never the token), so a busy worker asks the database about its callers'
keys about once a second instead of once a request (a round trip of about 0.6 ms on a
PostgreSQL server sharing the machine). A revocation in this process applies at once;
one made by another process or machine reaches every worker within that second. Expiry
is checked on every request. Unknown keys are never remembered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from explainer.store import keys
from explainer.store.keys import ApiKey
from explainer.store.ledger.cadence import Cadence
from explainer.store.ledger.log import Recorder

__all__ = ["AUTH_CACHE_SECONDS", "USE_EVERY", "ApiKeys"]

AUTH_CACHE_SECONDS = 1.0
_AUTH_CACHE_SIZE = 1_000
# How often a process writes down that keys were used: "last used" is for spotting idle
# keys, so a minute's precision is plenty.
USE_EVERY = 60.0


class ApiKeys:
    """API keys over one database; only hashes are kept, every change is a log record."""

    def __init__(self, engine: Engine, recording: Callable[[], AbstractContextManager[Recorder]]):
        self._engine = engine
        self._recording = recording
        self._used: dict[str, datetime] = {}
        self._known: dict[str, tuple[float, ApiKey, datetime | None]] = {}
        self._lock = threading.Lock()
        self._cadence = Cadence(self.flush, USE_EVERY, "note when API keys were last used")

    def create(
        self, name: str, scopes: list[str], expires_at: datetime | None = None
    ) -> tuple[str, str]:
        """A new key as ``(plaintext, key_id)``, optionally expiring; only its hash is kept."""
        with self._recording() as rec:
            return keys.create(rec, name, scopes, expires_at)

    def revoke(self, key_id: str) -> bool:
        """Revoke a key; False when unknown or already revoked."""
        with self._recording() as rec:
            done = keys.revoke(rec, key_id)
        with self._lock:
            self._known.clear()
        return done

    def authenticate(self, plaintext: str) -> ApiKey | None:
        """The live key for a bearer token (unknown, revoked and expired ones are None)."""
        seen = keys.digest(plaintext)
        now = time.monotonic()
        with self._lock:
            found = self._known.get(seen)
        if found is None or now - found[0] >= AUTH_CACHE_SECONDS:
            with self._engine.connect() as conn:
                looked = keys.lookup(conn, plaintext)
            found = None if looked is None else (now, *looked)
            with self._lock:
                if len(self._known) >= _AUTH_CACHE_SIZE:
                    self._known.clear()
                if found is None:
                    self._known.pop(seen, None)
                else:
                    self._known[seen] = found
        if found is None or keys.expired(found[2]):  # expiry is exact, cached or not
            return None
        self._note_use(found[1].id)
        return found[1]

    def listing(self) -> list[dict[str, Any]]:
        """Every key with its scopes, creation, expiry, last use and revocation."""
        with self._engine.connect() as conn:
            return keys.listing(conn)

    def flush(self) -> None:
        """Write down the uses noted since the last flush (one short transaction)."""
        with self._lock:
            used, self._used = self._used, {}
        if not used:
            return
        dialect = self._engine.dialect.name
        try:
            with self._engine.begin() as conn:
                for key_id, at in used.items():
                    conn.execute(keys.use_statement(dialect, key_id, at))
        except Exception:
            with self._lock:  # keep them for the next flush (newer notes win)
                self._used = {**used, **self._used}
            raise

    def cancel(self) -> None:
        """Drop a pending flush (after a fork: the parent's notes are not this process's)."""
        self._cadence.cancel()
        with self._lock:
            self._used.clear()
            self._known.clear()

    def _note_use(self, key_id: str) -> None:
        with self._lock:
            self._used[key_id] = datetime.now(UTC)
        self._cadence.poke()
