"""Receipts, signed heads on their cadence, witnessing and one log per database."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from postgres_helpers import fresh_schema
from store_helpers import StoreSource
from store_helpers import decisions as make_decisions

from explainer.decision import Decision
from explainer.explain.decide import Decider
from explainer.settings import Settings
from explainer.store import Store
from explainer.tlog import notes, witness


@pytest.fixture(scope="module")
def ten(decider: Decider) -> list[Decision]:
    return make_decisions(decider, 10, seed=5)


def _receipts(saved: list[Decision]) -> list[tuple[str, Any]]:
    return [(f"line {i}", d.wire()) for i, d in enumerate(saved, start=1)]


def test_each_saved_decision_has_a_receipt_that_verifies(store: Store, ten: list[Decision]) -> None:
    saved = [store.save_decision(d)[0] for d in ten]
    for position, decision in enumerate(saved):
        receipt = decision.receipt
        assert receipt is not None and receipt.index == position
        assert store.receipt("decision", str(decision.id)) == receipt.model_dump()
    result = store.verify_log(_receipts(saved))
    assert result.ok, result.message
    assert "10 receipts" in result.message


def test_a_replay_carries_the_original_receipt(store: Store, ten: list[Decision]) -> None:
    first, _ = store.save_decision(ten[0], idempotency_key="k1", request_hash="h")
    again, created = store.save_decision(ten[0], idempotency_key="k1", request_hash="h")
    assert not created and again.receipt == first.receipt


def test_a_receipt_from_another_log_or_edited_is_named(
    make_store: Any, ten: list[Decision]
) -> None:
    mine = make_store()
    saved, _ = mine.save_decision(ten[0])
    assert saved.receipt is not None
    forged = {**saved.wire(), "receipt": {**saved.receipt.model_dump(), "index": 5}}
    result = mine.verify_log([("line 1", forged)])
    assert not result.ok and result.first_bad == f"decision {saved.id}"
    assert "bad signature" in result.message
    moved = {**saved.receipt.model_dump(), "log_id": "explainer.log/elsewhere"}
    assert "another log" in mine.verify_log([("line 1", moved)]).message


def test_heads_follow_any_write_within_the_interval(make_store: Any, ten: list[Decision]) -> None:
    store: Store = make_store(HEAD_INTERVAL_SECONDS=0.2)
    store.save_decision(ten[0])
    store.save_decision(ten[1])
    deadline = time.monotonic() + 10
    while (store.log.latest() or {}).get("tree_size") != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    head = store.log.latest()
    assert head is not None and head["tree_size"] == 2
    opened = notes.open_head(head["note"], store.log.log_id, store.log.signer.public_keys)
    assert opened is not None and opened.tree_size == 2


def test_a_clean_shutdown_signs_a_final_head(make_store: Any, ten: list[Decision]) -> None:
    store: Store = make_store()
    store.save_decision(ten[0])
    assert store.log.latest() is None
    store.shutdown()
    head = store.log.latest()
    assert head is not None and head["tree_size"] == 1


def test_witnessing_the_store(store: Store, ten: list[Decision], tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "witness.jsonl"
    source = StoreSource(store)
    store.save_decision(ten[0])
    store.checkpoint()
    assert witness.witness(path, source).first
    for d in ten[1:4]:
        store.save_decision(d)
    store.checkpoint()
    assert witness.witness(path, source).grew_by == 3
    seen = [(f"witness line {i}", e) for i, e in enumerate(witness.read(path), start=1)]
    assert store.verify_log(witnessed=seen).ok


@pytest.mark.postgres
def test_two_servers_in_one_working_directory_both_verify(
    tmp_path: Path, ten: list[Decision], postgres_url: str
) -> None:
    # Same data folder (and so the same key file), two databases: heads never mix.
    shared = tmp_path / "var"
    with fresh_schema(postgres_url.split("?")[0]) as scoped:
        _both_verify(shared, [f"sqlite:///{tmp_path / 'a.db'}", scoped], ten)


def _both_verify(shared: Path, urls: list[str], ten: list[Decision]) -> None:
    stores = [
        Store.from_settings(Settings.load({"DATABASE_URL": u, "INSTANCE_PATH": str(shared)}))
        for u in urls
    ]
    try:
        for store in stores:
            store.upgrade()
        for i, d in enumerate(ten):
            stores[i % 2].save_decision(d)
            stores[(i + 1) % 2].checkpoint()
        for store in stores:
            store.checkpoint()
            result = store.verify_log()
            assert result.ok, result.message
        assert stores[0].log.log_id != stores[1].log.log_id
        assert len(list((shared / "heads").iterdir())) == 2
    finally:
        for store in stores:
            store.dispose()


def test_production_refuses_a_log_key_beside_the_data(tmp_path: Path) -> None:
    from explainer.errors import ConfigurationError

    base = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db' / 'x.db'}", "ENV": "production"}
    base["INSTANCE_PATH"] = str(tmp_path / "var")
    with pytest.raises(ConfigurationError, match="required in production"):
        Store.from_settings(Settings.load(base))
    inside = tmp_path / "db" / "log.pem"  # beside the SQLite file is the data too
    with pytest.raises(ConfigurationError, match="inside the data folder"):
        Store.from_settings(Settings.load({**base, "LOG_KEY_FILE": str(inside)}))
    away = tmp_path / "keys" / "log.pem"
    with pytest.raises(ConfigurationError, match="audit keygen"):
        Store.from_settings(Settings.load({**base, "LOG_KEY_FILE": str(away)}))
    from explainer.tlog.keys import create_key

    create_key(away)
    store = Store.from_settings(Settings.load({**base, "LOG_KEY_FILE": str(away)}))
    store.dispose()
