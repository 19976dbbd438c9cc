"""Erasure reaches the disk while the store stays open: no erased byte in any file."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

from explainer.explain.decide import Decider
from explainer.schemas import TicketIn
from explainer.store import Store


def _files(*folders: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for folder in folders for p in folder.rglob("*") if p.is_file()}


def _store_canaries(store: Store, decider: Decider, canary: str, customer: str) -> None:
    for i in range(3):
        body = f"My order {canary}{i} never arrived, please check {canary}-body."
        ticket = TicketIn(subject=f"Parcel {canary}", body=body, customer={"id": customer})
        saved, _ = store.save_decision(decider.decide(ticket))
        store.add_review_request(str(saved.id), f"please look {canary}-review")
        store.add_feedback(str(saved.id), False, f"not helpful {canary}-feedback")


def test_after_erase_no_file_holds_an_erased_byte(
    make_store: Any, decider: Decider, tmp_path: Path
) -> None:
    store: Store = make_store()
    canary, customer = f"Zq{uuid.uuid4().hex[:12]}", f"C-{uuid.uuid4().hex[:8]}"
    other = TicketIn(subject="Refund please", body="Charged twice.", customer={"id": "C-other"})
    store.save_decision(decider.decide(other))
    _store_canaries(store, decider, canary, customer)
    store.checkpoint()
    holder = store.engine.connect()  # the service keeps running: a pooled connection stays
    holder.exec_driver_sql("SELECT count(*) FROM decisions").one()
    holder.commit()
    try:
        if store.engine.dialect.name == "sqlite":
            folders = [tmp_path / "db", tmp_path / "instance"]
            before = _files(*folders)
            assert any(canary.encode() in b for b in before.values())  # it was on disk
            counts = store.erase_customer(customer)
            assert counts["decision"] == 3 and counts["disk"] == "wal truncated"
            after = _files(*folders)
            leaks = {name for name, data in after.items() if canary.encode() in data}
            leaks |= {name for name, data in after.items() if customer.encode() in data}
            assert leaks == set(), f"erased text still on disk in {sorted(leaks)}"
        else:
            counts = store.erase_customer(customer)
            assert counts["disk"] == "vacuumed"
            assert _vacuumed_within(store, 20.0)
    finally:
        holder.close()  # also when an assertion fails: no connection left to the GC
    assert store.verify_log().ok


def _vacuumed_within(store: Store, seconds: float) -> bool:
    """PostgreSQL reports a backend's statistics a moment after its work, so wait for them."""
    deadline = time.monotonic() + seconds
    query = text(
        "SELECT last_vacuum FROM pg_stat_user_tables "
        "WHERE relname = 'payloads' AND schemaname = current_schema()"
    )  # every test schema has a payloads table
    while time.monotonic() < deadline:
        with store.engine.connect() as conn:
            if conn.execute(query).scalar() is not None:
                return True
        time.sleep(0.2)
    return False
