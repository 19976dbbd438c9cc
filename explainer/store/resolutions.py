"""A reviewer's confirmation or correction of a decision: a record linked to it.

The model decision itself is never changed (SPEC section 6). The review queue holds
decisions whose customer asked for a review that nobody has answered yet, and
decisions with a low-confidence label that nobody has reviewed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    bindparam,
    exists,
    func,
    literal_column,
    select,
)

from explainer.errors import NotFoundError
from explainer.oversight.query import SUMMARY_COLUMNS
from explainer.records import Resolution
from explainer.store import decisions as decision_rows
from explainer.store import people
from explainer.store.ids import new_id
from explainer.store.ledger.log import Recorder, iso
from explainer.store.tables import (
    decision_handoffs,
    decisions,
    payloads,
    review_requests,
    review_resolutions,
)

__all__ = [
    "decision_column",
    "open_request",
    "queue",
    "resolutions_for",
    "resolve",
    "reviewed",
    "reviews_with_outcomes",
]

_R, _Q, _D, _H = review_resolutions, review_requests, decisions, decision_handoffs


def open_request() -> Any:
    """SQL: the decision has a customer request no resolution answers yet."""
    answered = exists().where(_R.c.review_request_id == _Q.c.id)
    return exists().where(_Q.c.decision_id == _D.c.id, ~answered)


def _resolved() -> Any:
    return exists().where(_R.c.decision_id == _D.c.id)


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
    made = Resolution(
        id=new_id("rvw"),
        decision_id=decision_id,
        review_request_id=rec.conn.execute(pending.order_by(_Q.c.created_at)).scalar(),
        reviewer=reviewer,
        action="confirm" if after == dict(before) else "correct",
        intent_before=before["intent"],
        intent_after=after["intent"],
        priority_before=before["priority"],
        priority_after=after["priority"],
        outcome=outcome,
        created_at=datetime.now(UTC),
        note=note or None,
    )
    return people.record_person(rec, "review_resolution", made)


def resolutions_for(conn: Connection, decision_id: str) -> list[dict[str, Any]]:
    """A decision's resolutions, oldest first, with the reviewer's note (None once erased)."""
    out = []
    for r in conn.execute(_RESOLUTIONS, {"decision_id": decision_id}).mappings():
        item = {k: v for k, v in r.items() if k != "data"}
        item["created_at"] = iso(r["created_at"])
        item["note"] = None if r["data"] is None else json.loads(r["data"])["note"]
        out.append(item)
    return out


_RESOLUTIONS = (  # built once: constructing a statement costs more than running it
    select(_R, payloads.c.data)
    .outerjoin(
        payloads,
        (payloads.c.kind == "review_resolution") & (payloads.c.ref_id == _R.c.id),
    )
    .where(_R.c.decision_id == bindparam("decision_id"))
    .order_by(_R.c.created_at, _R.c.id)
)


def reviews_with_outcomes(conn: Connection, decision_id: str) -> list[dict[str, Any]]:
    """Review requests marked ``resolved`` with their ``outcome``, plus unrequested reviews."""
    requests = people.reviews_for(conn, decision_id)
    done = resolutions_for(conn, decision_id)
    by_request = {r["review_request_id"]: r for r in done if r["review_request_id"]}
    for req in requests:
        answer = by_request.get(req["id"])
        if answer is not None:
            req.update(
                status="resolved",
                outcome=answer["outcome"],
                resolved_at=answer["created_at"],
                intent_after=answer["intent_after"],
                priority_after=answer["priority_after"],
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
            "intent_after": r["intent_after"],
            "priority_after": r["priority_after"],
        }
        for r in done
        if not r["review_request_id"]
    ]
    return sorted(requests + unrequested, key=lambda r: r.get("resolved_at") or r["created_at"])


def decision_column(name: str, sqlite: bool) -> ColumnElement[Any]:
    """A decisions column; on SQLite as ``+decisions.name``, which keeps the planner on
    the covering index ``ix_decisions_audit`` instead of a one-column index whose table
    look-ups (wide rows: the stored document) cost far more."""
    column = _D.c[name]
    if not sqlite:
        return column
    return literal_column(f"+{_D.name}.{name}", type_=column.type)


def queue(conn: Connection, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """The human-triage queue: hand-offs no one has resolved, then open customer requests.

    A decision whose hand-off rule says a person must act (out of scope, low confidence,
    a sensitive topic, the customer opted out) comes first, oldest first; then every
    other decision a customer asked to have reviewed, by when they asked. Each part is
    its own indexed query, and the page is cut across the two.
    """
    cols = [_D.c[c] for c in SUMMARY_COLUMNS]
    unresolved = ~exists().where(_R.c.decision_id == _H.c.decision_id)
    n_handoff = conn.execute(select(func.count()).select_from(_H).where(unresolved)).scalar_one()
    handed = exists().where(_H.c.decision_id == _D.c.id, unresolved)
    answered = exists().where(_R.c.review_request_id == _Q.c.id)
    asked = (
        select(_Q.c.decision_id, func.min(_Q.c.created_at).label("asked_at"))
        .where(~answered)
        .group_by(_Q.c.decision_id)
        .subquery()
    )
    n_asked = conn.execute(
        select(func.count())
        .select_from(asked.join(_D, asked.c.decision_id == _D.c.id))
        .where(~handed)
    ).scalar_one()
    rows: list[dict[str, Any]] = []
    if offset < n_handoff:
        first = (
            select(*cols, open_request().label("requested"))
            .join(_H, _H.c.decision_id == _D.c.id)
            .where(unresolved)
            .order_by(_H.c.created_at, _H.c.decision_id)
            .limit(max(0, limit))
            .offset(max(0, offset))
        )
        rows += [dict(r) for r in conn.execute(first).mappings()]
    rest = limit - len(rows)
    if rest > 0:
        second = (
            select(*cols)
            .join(asked, asked.c.decision_id == _D.c.id)
            .where(~handed)
            .order_by(asked.c.asked_at, _D.c.id)
            .limit(rest)
            .offset(max(0, offset - n_handoff))
        )
        rows += [{**r, "requested": True} for r in conn.execute(second).mappings()]
    decision_rows.mark_handoffs(conn, rows)
    for r in rows:
        r["created_at"] = iso(r["created_at"])
        r["requested"] = bool(r["requested"])
    return rows, int(n_handoff + n_asked)


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
        if decision is None or decision.erased:
            continue  # the text is gone: nothing left to train on
        out.append(
            {"decision": decision, "intent": r["intent_after"], "priority": r["priority_after"]}
        )
    return out
