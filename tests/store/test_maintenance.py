"""The retention purge runs by itself: once per interval, in one process at a time."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from explainer.explain.decide import Decider
from explainer.schemas import TicketIn
from explainer.service.maintenance import Maintenance
from explainer.store import Store
from explainer.store.tables import maintenance, payloads

DAY = timedelta(days=1)


def _old_decision(store: Store, decider: Decider, days_ago: int) -> None:
    decision = decider.decide(
        TicketIn(subject="Refund", body="Charged twice.", customer={"id": "C-1"})
    )
    at = (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    store.save_decision(decision.model_copy(update={"created_at": at}))


def _payloads(store: Store) -> int:
    with store.engine.connect() as conn:
        return len(conn.execute(select(payloads.c.ref_id)).all())


def test_a_purge_runs_once_per_interval(store: Store, decider: Decider) -> None:
    _old_decision(store, decider, 40)  # RETENTION_DAYS is 30 in the fixture
    now = datetime.now(UTC)
    first = store.purge_if_due(DAY, now)
    assert first is not None and first["decision"] == 1
    _old_decision(store, decider, 40)
    assert store.purge_if_due(DAY, now + timedelta(hours=23)) is None  # not due yet
    assert _payloads(store) == 1
    later = store.purge_if_due(DAY, now + timedelta(hours=25))
    assert later is not None and later["decision"] == 1 and _payloads(store) == 0
    assert store.verify_log().ok


def test_many_workers_asking_at_once_purge_once(make_store: Any, decider: Decider) -> None:
    stores = [make_store() for _ in range(4)]  # four processes' stores over one database
    for _ in range(3):
        _old_decision(stores[0], decider, 40)
    results: list[Any] = []
    start = threading.Barrier(len(stores))

    def ask(store: Store) -> None:
        start.wait()
        results.append(store.purge_if_due(DAY))

    threads = [threading.Thread(target=ask, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ran = [r for r in results if r is not None]
    assert len(ran) == 1 and ran[0]["decision"] == 3
    with stores[0].engine.connect() as conn:
        assert len(conn.execute(select(maintenance)).all()) == 1


def test_the_service_thread_purges_by_itself(store: Store, decider: Decider) -> None:
    _old_decision(store, decider, 40)
    worker = Maintenance(store, timedelta(seconds=0.2))
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while _payloads(store) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert _payloads(store) == 0
