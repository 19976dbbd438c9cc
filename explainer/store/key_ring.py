"""The store's API keys as one object: make, expire, revoke, authenticate, list."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from explainer.store import keys
from explainer.store.engine import probe_write
from explainer.store.keys import ApiKey
from explainer.store.ledger.log import Recorder

__all__ = ["USE_EVERY", "ApiKeys"]

# How often a process writes down that a key was used: "last used" is for spotting idle
# keys, so a minute's precision is plenty, and most requests then write nothing.
USE_EVERY = 60.0


class ApiKeys:
    """API keys over one database; only hashes are kept, every change is a log record."""

    def __init__(self, engine: Engine, recording: Callable[[], AbstractContextManager[Recorder]]):
        self._engine = engine
        self._recording = recording
        self._noted: dict[str, float] = {}

    def create(
        self, name: str, scopes: list[str], expires_at: datetime | None = None
    ) -> tuple[str, str]:
        """A new key as ``(plaintext, key_id)``, optionally expiring; only its hash is kept."""
        with self._recording() as rec:
            return keys.create(rec, name, scopes, expires_at)

    def revoke(self, key_id: str) -> bool:
        """Revoke a key; False when unknown or already revoked."""
        with self._recording() as rec:
            return keys.revoke(rec, key_id)

    def authenticate(self, plaintext: str) -> ApiKey | None:
        """The live key for a bearer token (unknown, revoked and expired ones are None)."""
        with self._engine.connect() as conn:
            key = keys.authenticate(conn, plaintext)
        if key is not None:
            self._note_use(key.id)
        return key

    def listing(self) -> list[dict[str, Any]]:
        """Every key with its scopes, creation, expiry, last use and revocation."""
        with self._engine.connect() as conn:
            return keys.listing(conn)

    def _note_use(self, key_id: str) -> None:
        now = time.monotonic()
        last = self._noted.get(key_id)
        if last is not None and now - last < USE_EVERY:
            return
        self._noted[key_id] = now
        # A short, non-blocking write: a busy or read-only database only loses the note.
        statement = keys.use_statement(self._engine.dialect.name, key_id, datetime.now(UTC))
        probe_write(self._engine, statement)
