"""API keys: only hashes stored, revocation, malformed input."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from explainer.errors import ValidationFailed
from explainer.store import ApiKey, Store, key_ring
from explainer.store.key_ring import ApiKeys
from explainer.store.tables import api_keys


def test_create_authenticate_revoke(store: Store) -> None:
    plaintext, key_id = store.api_keys.create("ci", ["decisions:write", "decisions:read"])
    assert plaintext.startswith(f"exk_{key_id}_") and len(plaintext) >= 4 + 26 + 1 + 43
    assert store.api_keys.authenticate(plaintext) == ApiKey(
        key_id, "ci", frozenset({"decisions:write", "decisions:read"})
    )
    with store.engine.connect() as conn:
        stored = conn.execute(select(api_keys)).mappings().one()
    assert plaintext not in repr(dict(stored)) and plaintext.split("_", 2)[2] not in repr(
        dict(stored)
    )
    assert store.api_keys.revoke(key_id)
    assert not store.api_keys.revoke(key_id)
    assert store.api_keys.authenticate(plaintext) is None
    assert store.verify_log().tree_size == 2


@pytest.mark.parametrize(
    "bad",
    ["", "exk_", "Bearer x", "exk_" + "A" * 26, "exk_" + "A" * 26 + "xyz", "nope_" + "A" * 60],
)
def test_malformed_keys(store: Store, bad: str) -> None:
    assert store.api_keys.authenticate(bad) is None


def test_tampered_secret_is_refused(store: Store) -> None:
    plaintext, _ = store.api_keys.create("ci", ["admin"])
    flipped = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    assert store.api_keys.authenticate(flipped) is None
    assert not store.api_keys.revoke("unknown")


def test_unknown_scope(store: Store) -> None:
    with pytest.raises(ValidationFailed):
        store.api_keys.create("ci", ["decisions:delete"])
    with pytest.raises(ValidationFailed):
        store.api_keys.create("ci", [])


def test_a_revocation_elsewhere_reaches_a_worker_within_the_cache_time(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two ApiKeys over one database stand for two workers.
    monkeypatch.setattr(key_ring, "AUTH_CACHE_SECONDS", 0.2)
    worker, other = store.api_keys, ApiKeys(store.engine, store.recording)
    plaintext, key_id = other.create("ci", ["decisions:read"])
    assert worker.authenticate(plaintext) is not None  # now remembered, by digest only
    assert plaintext not in repr(worker._known) and plaintext.split("_", 2)[2] not in repr(
        worker._known
    )
    assert other.revoke(key_id)
    assert other.authenticate(plaintext) is None  # the revoking process: at once
    time.sleep(0.25)
    assert worker.authenticate(plaintext) is None  # every other one: within the cache time
    assert worker.authenticate("exk_" + "A" * 26 + "_" + "B" * 43) is None
    assert len(worker._known) == 0  # unknown and revoked keys are not remembered
