"""What a person adds to a decision: review requests, feedback, openings by the console."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, Select, Table, bindparam, select

from explainer.errors import NotFoundError
from explainer.privacy import personal
from explainer.records import DataAccess, Feedback, ReviewRequest
from explainer.store.ids import new_id
from explainer.store.ledger.log import Recorder, iso
from explainer.store.tables import (
    data_accesses,
    decisions,
    feedback,
    payloads,
    review_requests,
)

__all__ = [
    "accesses_for",
    "add_feedback",
    "add_review",
    "customer_of",
    "feedback_for",
    "record_access",
    "record_person",
    "require_decision",
    "reviews_for",
]


def require_decision(conn: Connection, decision_id: str) -> None:
    """Raise NotFoundError unless the decision exists."""
    if conn.execute(select(decisions.c.id).where(decisions.c.id == decision_id)).first() is None:
        raise NotFoundError(f"no decision {decision_id}")


def customer_of(conn: Connection, decision_id: str) -> str | None:
    """The customer id on a decision's payload (None once erased or when absent)."""
    query = select(payloads.c.customer_id).where(
        payloads.c.kind == "decision", payloads.c.ref_id == decision_id
    )
    return conn.execute(query).scalar_one_or_none()


def add_review(rec: Recorder, decision_id: str, comment: str | None) -> dict[str, Any]:
    """A pending request for a person to review the decision."""
    require_decision(rec.conn, decision_id)
    made = ReviewRequest(
        id=new_id("rev"), decision_id=decision_id, created_at=datetime.now(UTC), comment=comment
    )
    return record_person(rec, "review_request", made)


def add_feedback(
    rec: Recorder, decision_id: str, helpful: bool, comment: str | None
) -> dict[str, Any]:
    """Was the explanation helpful, with an optional comment."""
    require_decision(rec.conn, decision_id)
    made = Feedback(
        id=new_id("fb"),
        decision_id=decision_id,
        helpful=helpful,
        created_at=datetime.now(UTC),
        comment=comment,
    )
    return record_person(rec, "feedback", made)


def record_access(rec: Recorder, decision_id: str, viewer: str, role: str) -> dict[str, Any]:
    """A console user opened the decision's personal data: a log record of who and when."""
    require_decision(rec.conn, decision_id)
    made = DataAccess(
        id=new_id("acc"),
        decision_id=decision_id,
        viewer=viewer,
        role=role,
        created_at=datetime.now(UTC),
    )
    return record_person(rec, "data_access", made)


def accesses_for(conn: Connection, decision_id: str) -> list[dict[str, Any]]:
    """Who opened a decision's personal data, oldest first."""
    query = (
        select(data_accesses)
        .where(data_accesses.c.decision_id == decision_id)
        .order_by(data_accesses.c.created_at)
    )
    return [{**dict(r), "created_at": iso(r["created_at"])} for r in conn.execute(query).mappings()]


def record_person(rec: Recorder, kind: str, made: BaseModel) -> dict[str, Any]:
    """Store what a person added, typed text redacted and personal fields (by the type's
    marking) erasable; returns what was stored, so the writer sees it."""
    made = personal.redacted(made)
    row, held = personal.split_record(made)
    customer = customer_of(rec.conn, row["decision_id"]) if held else None
    rec.record(kind, row, personal=held, customer_id=customer)
    return {**made.model_dump(), "created_at": iso(row["created_at"])}


def reviews_for(conn: Connection, decision_id: str) -> list[dict[str, Any]]:
    """Review requests on a decision, oldest first."""
    return _with_comments(conn, review_requests, "review_request", decision_id)


def feedback_for(conn: Connection, decision_id: str) -> list[dict[str, Any]]:
    """Feedback on a decision, oldest first."""
    return _with_comments(conn, feedback, "feedback", decision_id)


def _with_comments(
    conn: Connection, table: Table, kind: str, decision_id: str
) -> list[dict[str, Any]]:
    out = []
    for r in conn.execute(_comments_query(table, kind), {"decision_id": decision_id}).mappings():
        item = {k: v for k, v in r.items() if k != "data"}
        item["created_at"] = iso(r["created_at"])
        item["comment"] = None if r["data"] is None else json.loads(r["data"])["comment"]
        out.append(item)
    return out


@cache
def _comments_query(table: Table, kind: str) -> Select[Any]:
    # Built once: constructing a statement costs several times what running it does.
    return (
        select(table, payloads.c.data)
        .outerjoin(payloads, (payloads.c.kind == kind) & (payloads.c.ref_id == table.c.id))
        .where(table.c.decision_id == bindparam("decision_id"))
        .order_by(table.c.created_at, table.c.id)
    )
