"""Webhook subscriptions and the transactional outbox (docs/webhooks.md).

:func:`enqueue` runs inside the transaction that makes the change an event reports, so
an event exists exactly when its change was committed: a rolled-back change leaves no
event, and a committed one cannot lose its event before delivery. :class:`Webhooks`
holds the subscriptions (their secrets encrypted with a key derived from the service
secret) and what the delivering process needs: the lease, the due messages, and the
outcome of each attempt.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from explainer.decision import Decision
from explainer.errors import NotFoundError
from explainer.store.engine import writing
from explainer.store.ids import new_id
from explainer.store.tables import (
    decision_handoffs,
    decisions,
    webhook_lease,
    webhook_outbox,
    webhook_subscriptions,
)
from explainer.webhooks.events import decision_data

__all__ = ["Due", "Webhooks", "emit", "emit_created", "enqueue", "enqueue_all"]

_S, _O, _L = webhook_subscriptions, webhook_outbox, webhook_lease
_LEASE = "deliver"


def enqueue(conn: Connection, event: str, data: dict[str, Any], now: datetime | None = None) -> int:
    """One outbox message per subscription to ``event``, in the caller's transaction."""
    return enqueue_all(conn, [(event, data)], now)


def enqueue_all(
    conn: Connection, events: list[tuple[str, dict[str, Any]]], now: datetime | None = None
) -> int:
    """:func:`enqueue` for several events, reading the subscriptions once."""
    subscriptions = [(sid, names.split(",")) for sid, names in conn.execute(_SUBSCRIPTIONS)]
    at = now or datetime.now(UTC)
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    rows = [
        {
            "id": new_id("msg"),
            "subscription_id": sid,
            "event": event,
            "payload": json.dumps(
                {"type": event, "timestamp": stamp, "data": data},
                sort_keys=True,
                separators=(",", ":"),
            ),
            "created_at": at,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": at,
        }
        for event, data in events
        for sid, names in subscriptions
        if event in names
    ]
    if rows:
        conn.execute(insert(_O), rows)
    return len(rows)


_SUBSCRIPTIONS = select(_S.c.id, _S.c.events)


def emit_created(conn: Connection, decision: Decision) -> int:
    """Enqueue ``decision.created`` (and ``handoff.required``) for a decision just stored:
    the same data :func:`emit` reads back, taken from the decision in hand."""
    handoff = {"required": decision.handoff.required, "reasons": list(decision.handoff.reasons)}
    intent, priority = (b.label if b else None for b in (decision.intent, decision.priority))
    data = decision_data(str(decision.id), intent, priority, handoff)
    events = [("decision.created", data)]
    if decision.handoff.required:
        events.append(("handoff.required", data))
    return enqueue_all(conn, events)


def emit(conn: Connection, event: str, decision_id: str, **extra: Any) -> int:
    """Enqueue ``event`` about a stored decision: its labels, hand-off and link, no text."""
    row = conn.execute(
        select(decisions.c.intent, decisions.c.priority, decision_handoffs.c.reasons)
        .outerjoin(decision_handoffs, decision_handoffs.c.decision_id == decisions.c.id)
        .where(decisions.c.id == decision_id)
    ).first()
    if row is None:
        return 0
    reasons = [r for r in (row[2] or "").split(",") if r]
    handoff = {"required": bool(reasons), "reasons": reasons}
    return enqueue(conn, event, decision_data(decision_id, row[0], row[1], handoff, **extra))


@dataclass(frozen=True)
class Due:
    """A message to deliver now."""

    id: str
    url: str
    secret: str
    payload: bytes
    attempts: int


class Webhooks:
    """Subscriptions, the delivery lease and the outbox's states."""

    def __init__(self, engine: Engine, secret: str) -> None:
        self._engine = engine
        digest = hashlib.sha256(f"explainer webhook secrets\n{secret}".encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    # subscriptions
    def add(self, url: str, events: Sequence[str], secret: str) -> dict[str, Any]:
        """Subscribe ``url`` to ``events``; the caller has checked the URL and secret."""
        row = {
            "id": new_id("whk"),
            "url": url,
            "events": ",".join(sorted(set(events))),
            "secret": self._fernet.encrypt(secret.encode()).decode("ascii"),
            "created_at": datetime.now(UTC),
        }
        with writing(self._engine) as conn:
            conn.execute(insert(_S).values(**row))
        return {k: v for k, v in row.items() if k != "secret"}

    def listing(self) -> list[dict[str, Any]]:
        """Every subscription with its messages counted by state (never the secret)."""
        with self._engine.connect() as conn:
            counts: dict[str, dict[str, int]] = {}
            query = select(_O.c.subscription_id, _O.c.state, func.count()).group_by(
                _O.c.subscription_id, _O.c.state
            )
            for sid, state, n in conn.execute(query):
                counts.setdefault(sid, {})[state] = int(n)
            rows = conn.execute(
                select(_S.c.id, _S.c.url, _S.c.events, _S.c.created_at).order_by(_S.c.created_at)
            ).mappings()
            return [
                {**r, "events": r["events"].split(","), "messages": counts.get(r["id"], {})}
                for r in rows
            ]

    def remove(self, subscription_id: str) -> None:
        """Unsubscribe; its undelivered messages go with it. NotFoundError when unknown."""
        with writing(self._engine) as conn:
            conn.execute(delete(_O).where(_O.c.subscription_id == subscription_id))
            gone = conn.execute(delete(_S).where(_S.c.id == subscription_id)).rowcount
        if not gone:
            raise NotFoundError("no webhook subscription with this id")

    # delivery
    def take_lease(self, holder: str, seconds: float, now: datetime | None = None) -> bool:
        """Hold (or renew) the one delivering lease; False when another process holds it."""
        at = now or datetime.now(UTC)
        until = at + timedelta(seconds=seconds)
        with writing(self._engine) as conn:
            current = conn.execute(select(_L).where(_L.c.name == _LEASE)).mappings().first()
            if current is None:
                conn.execute(insert(_L).values(name=_LEASE, holder=holder, expires_at=until))
                return True
            if current["holder"] != holder and current["expires_at"] > at:
                return False
            conn.execute(
                update(_L).where(_L.c.name == _LEASE).values(holder=holder, expires_at=until)
            )
            return True

    def release_lease(self, holder: str) -> None:
        """Give the lease up at a clean stop, so another process can take over at once."""
        with writing(self._engine) as conn:
            conn.execute(delete(_L).where(_L.c.name == _LEASE, _L.c.holder == holder))

    def any_due(self, now: datetime | None = None) -> bool:
        """Whether a pending message's time has come (a read: no write lock taken)."""
        at = now or datetime.now(UTC)
        query = select(_O.c.id).where(_O.c.state == "pending", _O.c.next_attempt_at <= at).limit(1)
        with self._engine.connect() as conn:
            return conn.execute(query).first() is not None

    def due(self, limit: int, now: datetime | None = None) -> list[Due]:
        """Pending messages whose time has come, oldest first."""
        at = now or datetime.now(UTC)
        query = (
            select(_O.c.id, _O.c.payload, _O.c.attempts, _S.c.url, _S.c.secret)
            .join(_S, _S.c.id == _O.c.subscription_id)
            .where(_O.c.state == "pending", _O.c.next_attempt_at <= at)
            .order_by(_O.c.next_attempt_at, _O.c.created_at, _O.c.id)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [
                Due(
                    r["id"],
                    r["url"],
                    self._fernet.decrypt(r["secret"].encode()).decode(),
                    r["payload"].encode(),
                    int(r["attempts"]),
                )
                for r in conn.execute(query).mappings()
            ]

    def delivered(self, msg_id: str, now: datetime | None = None) -> None:
        """The receiver answered 2xx."""
        at = now or datetime.now(UTC)
        with writing(self._engine) as conn:
            conn.execute(
                update(_O)
                .where(_O.c.id == msg_id)
                .values(
                    state="delivered", delivered_at=at, attempts=_O.c.attempts + 1, last_error=None
                )
            )

    def failed(
        self, msg_id: str, error: str, backoff: Callable[[int], float], max_attempts: int
    ) -> str:
        """An attempt failed: schedule the next (``backoff(attempts)`` seconds on) or give
        up after ``max_attempts``; the new state."""
        at = datetime.now(UTC)
        with writing(self._engine) as conn:
            attempts = conn.execute(select(_O.c.attempts).where(_O.c.id == msg_id)).scalar_one() + 1
            state = "dead" if attempts >= max_attempts else "pending"
            conn.execute(
                update(_O)
                .where(_O.c.id == msg_id)
                .values(
                    attempts=attempts,
                    state=state,
                    last_error=error[:200],
                    next_attempt_at=at + timedelta(seconds=backoff(attempts)),
                )
            )
        return state

    def messages(self, state: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Outbox messages (newest first), optionally in one state, for the console."""
        query = (
            select(
                _O.c.id,
                _O.c.event,
                _O.c.state,
                _O.c.attempts,
                _O.c.last_error,
                _O.c.created_at,
                _O.c.next_attempt_at,
                _O.c.delivered_at,
                _S.c.url,
            )
            .join(_S, _S.c.id == _O.c.subscription_id)
            .order_by(_O.c.created_at.desc(), _O.c.id.desc())
            .limit(limit)
        )
        if state is not None:
            query = query.where(_O.c.state == state)
        with self._engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def replay(self, msg_id: str) -> None:
        """Send a dead (or delivered) message again, with the same webhook-id."""
        with writing(self._engine) as conn:
            done = conn.execute(
                update(_O)
                .where(_O.c.id == msg_id)
                .values(state="pending", attempts=0, next_attempt_at=datetime.now(UTC))
            ).rowcount
        if not done:
            raise NotFoundError("no webhook message with this id")
