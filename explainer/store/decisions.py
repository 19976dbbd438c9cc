"""Decisions: stored once (public row + erasable payload + log leaf), never updated."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, insert, select

from explainer.decision import Decision
from explainer.errors import ConflictError, ValidationFailed
from explainer.privacy import personal
from explainer.store.ids import new_id
from explainer.store.ledger.log import Recorder, compact
from explainer.store.tables import decision_handoffs, decisions, idempotency_keys, payloads

__all__ = ["get", "mark_handoffs", "save"]


def save(
    rec: Recorder,
    decision: Decision,
    idempotency_key: str | None,
    request_hash: str | None,
    api_key_id: str | None,
) -> tuple[Decision, bool]:
    """Store a decision in the caller's transaction; honour an idempotency key."""
    scope = api_key_id or ""
    if idempotency_key is not None:
        earlier = _replay(rec.conn, scope, idempotency_key, request_hash or "")
        if earlier is not None:
            return earlier, False
    stored = decision.model_copy(update={"id": new_id("dec"), "links": None})
    public, payload = personal.split(stored)
    row = _summary(stored, public, api_key_id)
    ticket = stored.ticket
    rec.record(
        "decision",
        row,
        personal=payload,
        customer_id=ticket.customer.id,
        ticket_id=ticket.ticket_id,
    )
    if stored.handoff.required:
        rec.conn.execute(
            _HANDOFF,
            {
                "decision_id": stored.id,
                "reasons": ",".join(stored.handoff.reasons),
                "created_at": row["created_at"],
            },
        )
    if idempotency_key is not None:
        rec.conn.execute(
            _REMEMBER,
            {
                "scope": scope,
                "key": idempotency_key,
                "request_hash": request_hash or "",
                "decision_id": stored.id,
                "created_at": row["created_at"],
            },
        )
    return stored, True


def _replay(conn: Connection, scope: str, key: str, request_hash: str) -> Decision | None:
    row = conn.execute(_IDEMPOTENCY, {"scope": scope, "key": key}).mappings().first()
    if row is None:
        return None
    if row["request_hash"] != request_hash:
        raise ConflictError("this Idempotency-Key was already used for a different request")
    return get(conn, row["decision_id"])


def _summary(d: Decision, public: dict[str, Any], api_key_id: str | None) -> dict[str, Any]:
    try:
        created = datetime.fromisoformat(d.created_at)
    except ValueError as exc:
        raise ValidationFailed("created_at is not an ISO 8601 timestamp") from exc
    ticket = d.ticket
    row: dict[str, Any] = {
        "id": d.id,
        "created_at": created if created.tzinfo else created.replace(tzinfo=UTC),
        "channel": ticket.channel,
        "plan": ticket.customer.plan,
        "language": ticket.language,
        "region": ticket.customer.region,
        "template_version": d.template_version,
        "api_key_id": api_key_id,
        "document": compact(public),
    }
    for name in ("intent", "priority"):
        block = getattr(d, name)
        row[name] = block.label if block else None
        row[f"{name}_confidence"] = block.confidence if block else None
        row[f"{name}_model_version"] = block.model.version if block else None
    return row


def get(conn: Connection, decision_id: str) -> Decision | None:
    """The decision re-assembled from its public row and (unless erased) its payload."""
    found = conn.execute(_DOCUMENT, {"id": decision_id}).first()
    if found is None:
        return None
    document, held = found
    return personal.join(orjson.loads(document), None if held is None else orjson.loads(held))


# The public document and (unless erased) the payload, in one round trip; built once.
_DOCUMENT = (
    select(decisions.c.document, payloads.c.data)
    .outerjoin(payloads, (payloads.c.kind == "decision") & (payloads.c.ref_id == decisions.c.id))
    .where(decisions.c.id == bindparam("id"))
)
_REMEMBER = insert(idempotency_keys)
_HANDOFF = insert(decision_handoffs)
_IDEMPOTENCY = select(idempotency_keys).where(
    idempotency_keys.c.scope == bindparam("scope"), idempotency_keys.c.key == bindparam("key")
)


def mark_handoffs(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Set ``handoff_required`` and ``handoff_reasons`` on summary rows (one query)."""
    ids = [r["id"] for r in rows]
    found = (
        dict(
            conn.execute(
                select(decision_handoffs.c.decision_id, decision_handoffs.c.reasons).where(
                    decision_handoffs.c.decision_id.in_(ids)
                )
            ).all()
        )
        if ids
        else {}
    )
    for r in rows:
        r["handoff_reasons"] = found.get(r["id"])
        r["handoff_required"] = r["id"] in found
