"""The operator's door: schema, API keys, customer links, the log, a customer's data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from explainer.store import Store, VerifyResult

__all__ = ["Admin"]


class Admin:
    """What ``explainer db|keys|links|audit|export|erase|purge`` do."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def upgrade(self) -> None:
        """Apply migrations up to the newest revision."""
        self._store.upgrade()

    def create_api_key(
        self, name: str, scopes: list[str], expires_at: datetime | None = None
    ) -> tuple[str, str]:
        """A new key as ``(plaintext, key_id)``, optionally expiring; only its hash is kept."""
        return self._store.api_keys.create(name, scopes, expires_at)

    def revoke_api_key(self, key_id: str) -> bool:
        """Revoke a key; False when unknown or already revoked."""
        return self._store.api_keys.revoke(key_id)

    def list_api_keys(self) -> list[dict[str, Any]]:
        """Every key: id, name, scopes, created, expires, last used, revoked."""
        return self._store.api_keys.listing()

    def revoke_link(self, decision_id: str) -> None:
        """Revoke one decision's customer link (a logged record)."""
        self._store.revoke_link(decision_id)

    def verify_log(
        self, receipts: Iterable[tuple[str, Any]] = (), witnessed: Iterable[tuple[str, Any]] = ()
    ) -> VerifyResult:
        """Recompute the whole log and every head; check receipts and witnessed heads."""
        return self._store.verify_log(receipts, witnessed)

    def log_public(self) -> dict[str, Any]:
        """The log id, its public key and the latest signed head."""
        return self._store.log.public()

    def log_consistency(self, first: int, second: int) -> list[str]:
        """A consistency proof between two tree sizes, hex."""
        return self._store.log.consistency(first, second)

    def export_customer(self, customer_id: str) -> dict[str, Any]:
        """Everything held about one customer."""
        return self._store.export_customer(customer_id)

    def erase_customer(self, customer_id: str) -> dict[str, Any]:
        """Erase one customer's personal data; counts of what was erased."""
        return self._store.erase_customer(customer_id)

    def purge(self, now: datetime | None = None) -> dict[str, Any]:
        """Erase personal data older than the retention period; counts."""
        return self._store.purge(now)
