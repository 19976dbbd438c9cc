"""The Python client against a live service (gunicorn), on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from typing import Any

import pytest
import requests
from explainer_client import ApiError, Client, ReceiptError, RetryPolicy, TicketIn
from served_app import Live
from sqlalchemy import create_engine, func, select, text

from explainer.store.engine import _PG_LOCK
from explainer.store.tables import decisions

pytestmark = pytest.mark.slow

TICKET = {
    "ticket_id": "HD-1",
    "subject": "Charged twice for my plan",
    "body": "I was billed twice this month, please refund one payment",
    "channel": "email",
    "customer": {"id": "C-1", "plan": "pro"},
}


class CountingSession(requests.Session):
    """A real HTTP session that counts what the client had to retry."""

    def __init__(self) -> None:
        super().__init__()
        self.transport_errors = 0
        self.statuses: list[int] = []
        self.keys: list[str | None] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.keys.append((kwargs.get("headers") or {}).get("Idempotency-Key"))
        try:
            answer = super().request(method, url, *args, **kwargs)
        except requests.ConnectionError:
            self.transport_errors += 1
            raise
        self.statuses.append(answer.status_code)
        return answer


def _stored(live: Live) -> int:
    engine = create_engine(live.database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(decisions)).scalar_one())
    finally:
        engine.dispose()


def test_create_get_explain_and_receipts(live: Live) -> None:
    with Client(live.base, live.api_key) as client:
        made = client.create_decision(TicketIn.model_validate(TICKET))
        assert made.id and made.intent is not None and made.links is not None
        assert made.ticket.ticket_id == "HD-1"
        again = client.get_decision(made.id)
        assert again.id == made.id and again.receipt == made.receipt
        log = client.log()
        assert client.verify_receipt(made.receipt, public_key=log.public_key, against_log=True)
        forged = made.receipt.model_copy(update={"leaf_hash": "0" * 64})  # type: ignore[union-attr]
        with pytest.raises(ReceiptError, match="bad signature"):
            client.verify_receipt(forged)
        with pytest.raises(ReceiptError, match="another log"):
            client.verify_receipt(made.receipt.model_copy(update={"log_id": "elsewhere"}))  # type: ignore[union-attr]
        preview = client.explain(TICKET)
        assert preview.receipt is None and preview.intent is not None
        with pytest.raises(ReceiptError, match="preview"):
            client.verify_receipt(preview.receipt)
        key = "helpdesk-HD-2"
        first = client.create_decision({"subject": "Cannot log in"}, idempotency_key=key)
        replay = client.create_decision({"subject": "Cannot log in"}, idempotency_key=key)
        assert replay.id == first.id
    assert _stored(live) == 2


def test_the_served_service_names_no_server_software(live: Live) -> None:
    for path in ("/healthz", "/api/openapi.json", "/audit/login", "/nothing"):
        answer = requests.get(live.base + path, timeout=10)
        assert "Server" not in answer.headers, (path, answer.headers.get("Server"))


def test_problems_are_raised_with_their_field_errors(live: Live) -> None:
    with Client(live.base, live.api_key) as client:
        with pytest.raises(ApiError) as caught:
            client.create_decision({"subject": "x", "channel": "pigeon"})
        assert caught.value.status == 422 and caught.value.errors
        assert caught.value.problem["type"].endswith("validation")
        with pytest.raises(ApiError) as missing:
            client.get_decision("dec_00000000000000000000000000")
        assert missing.value.status == 404
    with Client(live.base, "exk_wrong") as stranger, pytest.raises(ApiError) as denied:
        stranger.get_decision("dec_00000000000000000000000000")
    assert denied.value.status == 401


def test_a_batch_through_the_client(live: Live) -> None:
    tickets: list[dict[str, Any]] = [
        {"subject": f"Refund {i}"} if i % 4 else {"subject": "x", "channel": "pigeon"}
        for i in range(100)
    ]
    with Client(live.base, live.api_key) as client:
        answer = client.create_decisions(tickets)
        again = client.create_decisions(tickets[:3], idempotency_keys=["a", "b", "c"])
        replay = client.create_decisions(tickets[:3], idempotency_keys=["a", "b", "c"])
    statuses = [r.status for r in answer.results]
    assert statuses == [422 if i % 4 == 0 else 201 for i in range(100)]
    assert [r.status for r in replay.results] == [422, 200, 200]
    assert [r.decision.id for r in replay.results[1:]] == [r.decision.id for r in again.results[1:]]  # type: ignore[union-attr]


def _hold_the_write_lock(database_url: str, seconds: float, held: threading.Event) -> None:
    """Hold what every writer needs (SQLite's write lock, or the log's advisory lock)."""
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=5)
        holder.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        holder.rollback()
        holder.close()
        return
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK})
            held.set()
            time.sleep(seconds)
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK})
    finally:
        engine.dispose()


def test_a_503_is_retried_until_the_store_takes_the_write(live: Live) -> None:
    held = threading.Event()
    holder = threading.Thread(target=_hold_the_write_lock, args=(live.database_url, 2.5, held))
    holder.start()
    assert held.wait(10)
    session = CountingSession()
    retry = RetryPolicy(attempts=10, first_wait=0.3, max_wait=2.0)
    try:
        with Client(live.base, live.api_key, session=session, retry=retry) as client:
            made = client.create_decision(TICKET)
    finally:
        holder.join()
    assert 503 in session.statuses and session.statuses[-1] == 201
    assert len(set(session.keys)) == 1  # every try carried the one Idempotency-Key
    assert made.id and _stored(live) == 1


def test_a_sigkilled_worker_is_retried_and_nothing_is_stored_twice(live: Live) -> None:
    session = CountingSession()
    retry = RetryPolicy(attempts=12, first_wait=0.2, max_wait=2.0)
    made: list[str] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def send() -> None:
        with Client(live.base, live.api_key, session=session, retry=retry) as client:
            try:
                while not done.is_set() or len(made) < 20:
                    made.append(str(client.create_decision(TICKET).id))
            except BaseException as exc:
                failures.append(exc)

    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 60
    while session.transport_errors == 0 and time.monotonic() < deadline and sender.is_alive():
        time.sleep(0.15)
        for pid in live.served.workers():  # kill every worker: one is mid-request
            os.kill(pid, signal.SIGKILL)
    done.set()
    sender.join(timeout=120)
    assert not failures, failures
    assert session.transport_errors > 0, "no request was cut by the kills"
    assert len(made) == len(set(made)) >= 20
    assert _stored(live) == len(made)  # each retried write stored once
