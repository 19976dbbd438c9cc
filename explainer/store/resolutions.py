"""A reviewer's confirmation or correction of a decision: a record linked to it.

The model decision itself is never changed (SPEC section 6). The review queue holds
decisions whose customer asked for a review that nobody has answered yet, and
decisions with a low-confidence label that nobody has reviewed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, exists, func, literal, or_, select

from explainer.errors import NotFoundError
from explainer.store import decisions as decision_rows
from explainer.store import people
from explainer.store.auditor_schema import review_resolutions
from explainer.store.ids import new_id
from explainer.store.log import Recorder, iso
from explainer.store.schema import decisions, payloads, review_requests

__all__ = [
    "LOW_CONFIDENCE",
    "open_request",
    "queue",
    "resolutions_for",
    "resolve",
    "reviewed",
    "reviews_with_outcomes",
]

LOW_CONFIDENCE = 0.5
_R, _Q, _D = review_resolutions, review_requests, decisions


def open_request() -> Any:
    """SQL: the decision has a customer request no resolution answers yet."""
    answered = exists().where(_R.c.review_request_id == _Q.c.id)
    return exists().where(_Q.c.decision_id == _D.c.id, ~answered)


def _resolved() -> Any:
    return exists().where(_R.c.decision_id == _D.c.id)


def _low() -> Any:
    return or_(_D.c.intent_confidence < LOW_CONFIDENCE, _D.c.priority_confidence < LOW_CONFIDENCE)


def resolve(
    rec: Recorder,
    decision_id: str,
    reviewer: str,
    labels: dict[str, str | None],
    note: str | None,
    outcome: str,
) -> dict[str, Any]:
    """Record a reviewer's labels (``{"intent": .., "priority": ..}``) for a decision."""
    row = rec.conn.execute(select(_D.c.intent, _D.c.priority).where(_D.c.id == decision_id))
    before = row.mappings().first()
    if before is None:
        raise NotFoundError(f"no decision {decision_id}")
    after = {m: labels.get(m) or before[m] for m in ("intent", "priority")}
    pending = select(_Q.c.id).where(
        _Q.c.decision_id == decision_id, ~exists().where(_R.c.review_request_id == _Q.c.id)
    )
    record = {
        "id": new_id("rvw"),
        "decision_id": decision_id,
        "review_request_id": rec.conn.execute(pending.order_by(_Q.c.created_at)).scalar(),
        "reviewer": reviewer,
        "action": "confirm" if after == dict(before) else "correct",
        "intent_before": before["intent"],
        "intent_after": after["intent"],
        "priority_before": before["priority"],
        "priority_after": after["priority"],
        "outcome": outcome,
        "created_at": datetime.now(UTC),
    }
    if note:
        customer = people.customer_of(rec.conn, decision_id)
        rec.record("review_resolution", record, personal={"note": note}, customer_id=customer)
    else:
        rec.record("review_resolution", record)
    return {**record, "created_at": iso(record["created_at"]), "note": note}


def resolutions_for(conn: Connection, decision_id: str) -> list[dict[str, Any]]:
    """A decision's resolutions, oldest first, with the reviewer's note (None once erased)."""
    query = (
        select(_R, payloads.c.data)
        .outerjoin(
            payloads,
            (payloads.c.kind == "review_resolution") & (payloads.c.ref_id == _R.c.id),
        )
        .where(_R.c.decision_id == decision_id)
        .order_by(_R.c.created_at, _R.c.id)
    )
    out = []
    for r in conn.execute(query).mappings():
        item = {k: v for k, v in r.items() if k != "data"}
        item["created_at"] = iso(r["created_at"])
        item["note"] = None if r["data"] is None else json.loads(r["data"])["note"]
        out.append(item)
    return out


def reviews_with_outcomes(conn: Connection, decision_id: str) -> list[dict[str, Any]]:
    """Review requests marked ``resolved`` with their ``outcome``, plus unrequested reviews."""
    requests = people.reviews_for(conn, decision_id)
    done = resolutions_for(conn, decision_id)
    by_request = {r["review_request_id"]: r for r in done if r["review_request_id"]}
    for req in requests:
        answer = by_request.get(req["id"])
        if answer is not None:
            req.update(
                status="resolved", outcome=answer["outcome"], resolved_at=answer["created_at"]
            )
    unrequested = [
        {
            "id": r["id"],
            "decision_id": decision_id,
            "status": "resolved",
            "created_at": r["created_at"],
            "comment": None,
            "outcome": r["outcome"],
            "resolved_at": r["created_at"],
        }
        for r in done
        if not r["review_request_id"]
    ]
    return sorted(requests + unrequested, key=lambda r: r.get("resolved_at") or r["created_at"])


def queue(conn: Connection, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """Open customer requests (oldest first), then unreviewed low-confidence decisions."""
    requested = open_request()
    where = or_(requested, and_(_low(), ~_resolved()))
    total = conn.execute(select(func.count()).select_from(_D).where(where)).scalar_one()
    first_request = (
        select(func.min(_Q.c.created_at)).where(_Q.c.decision_id == _D.c.id).scalar_subquery()
    )
    cols = [
        _D.c.id,
        _D.c.created_at,
        _D.c.intent,
        _D.c.priority,
        _D.c.intent_confidence,
        _D.c.priority_confidence,
        _D.c.channel,
        _D.c.plan,
        case((requested, literal(True)), else_=literal(False)).label("requested"),
    ]
    query = (
        select(*cols)
        .where(where)
        .order_by(case((requested, 0), else_=1), first_request, _D.c.created_at, _D.c.id)
        .limit(max(0, limit))
        .offset(max(0, offset))
    )
    rows = [dict(r) for r in conn.execute(query).mappings()]
    for r in rows:
        r["created_at"] = iso(r["created_at"])
        r["requested"] = bool(r["requested"])
    return rows, int(total)


def reviewed(conn: Connection) -> list[dict[str, Any]]:
    """The latest reviewed labels of every reviewed decision whose text is still held."""
    latest = (
        select(_R.c.decision_id, func.max(_R.c.created_at).label("at"))
        .group_by(_R.c.decision_id)
        .subquery()
    )
    query = (
        select(_R.c.decision_id, _R.c.intent_after, _R.c.priority_after)
        .join(latest, (latest.c.decision_id == _R.c.decision_id) & (latest.c.at == _R.c.created_at))
        .order_by(_R.c.decision_id)
    )
    out = []
    for r in conn.execute(query).mappings():
        decision = decision_rows.get(conn, r["decision_id"])
        if decision is None or decision.get("erased"):
            continue  # the text is gone: nothing left to train on
        out.append(
            {"decision": decision, "intent": r["intent_after"], "priority": r["priority_after"]}
        )
    return out
