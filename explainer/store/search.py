"""Decision search for the auditor console: filters, sorting, pagination.

Revision 0002 adds ``ix_decisions_audit``, a covering index (time first, then every
filterable column). ``decisions`` rows are wide (the stored document), so on SQLite
every column filter is written ``+column``: that keeps the planner off the
one-column indexes, whose table look-ups cost far more than one pass over the
narrow covering index, already in time order. PostgreSQL's planner needs no help.
The review state is an ``EXISTS`` over the indexed ``decision_id`` columns.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, func, or_, select

from explainer.oversight.query import EQUALS, HANDOFF_STATES, SORTS, SUMMARY_COLUMNS, SearchQuery
from explainer.store.decisions import mark_handoffs
from explainer.store.ledger.log import iso, ticket_hash
from explainer.store.resolutions import decision_column, open_request
from explainer.store.tables import (
    decision_handoffs,
    decisions,
    payloads,
    review_requests,
    review_resolutions,
)

__all__ = ["search"]

_D, _H = decisions, decision_handoffs


def _column(name: str, sqlite: bool) -> ColumnElement[Any]:
    return decision_column(name, sqlite)


def _conditions(q: SearchQuery, sqlite: bool) -> list[Any]:
    def col(name: str) -> ColumnElement[Any]:
        return _column(name, sqlite)

    conds: list[Any] = [col(k) == v for k, v in q.equals.items() if k in EQUALS]
    if q.since is not None:
        conds.append(_D.c.created_at >= q.since)
    if q.until is not None:
        conds.append(_D.c.created_at < q.until)
    if q.model_version:
        conds.append(
            or_(
                col("intent_model_version") == q.model_version,
                col("priority_model_version") == q.model_version,
            )
        )
    conf = col(f"{q.confidence_model}_confidence")
    if q.confidence_min is not None:
        conds.append(conf >= q.confidence_min)
    if q.confidence_max is not None:
        conds.append(conf <= q.confidence_max)
    conds.extend(_review_condition(q.review))
    conds.extend(_handoff_condition(q.handoff))
    conds.extend(_lookups(q))
    return conds


def _lookups(q: SearchQuery) -> list[Any]:
    """Exact matches on the payload's indexed ticket hash and customer id (gone on erasure)."""
    conds: list[Any] = []
    if q.ticket_id is not None:
        conds.append(payloads.c.ticket_hash == ticket_hash(q.ticket_id))
    if q.customer_id is not None:
        conds.append(payloads.c.customer_id == q.customer_id)
    if not conds:
        return []
    refs = select(payloads.c.ref_id).where(payloads.c.kind == "decision", *conds)
    return [_D.c.id.in_(refs)]


def _handoff_condition(state: str | None) -> list[Any]:
    if state is None or state not in HANDOFF_STATES:
        return []
    handed = exists().where(_H.c.decision_id == _D.c.id)
    if state == "required":
        return [handed]
    if state == "none":
        return [~handed]
    return [handed.where(_H.c.reasons.contains(state, autoescape=True))]


def _review_condition(state: str | None) -> list[Any]:
    resolved = exists().where(review_resolutions.c.decision_id == _D.c.id)
    asked = exists().where(review_requests.c.decision_id == _D.c.id)
    if state == "requested":
        return [open_request()]
    if state == "resolved":
        return [resolved]
    if state == "none":
        return [~asked, ~resolved]
    return []


def search(conn: Connection, q: SearchQuery) -> tuple[list[dict[str, Any]], int]:
    """One page of summary rows (with ``review`` state) and the total matching count."""
    sqlite = conn.dialect.name == "sqlite"
    conds = _conditions(q, sqlite)
    total = conn.execute(select(func.count()).select_from(_D).where(*conds)).scalar_one()
    sort = q.sort if q.sort in SORTS else "created_at"
    key = _D.c.created_at if sort == "created_at" else _column(sort, sqlite)
    order = [key.desc(), _D.c.id.desc()] if q.descending else [key.asc(), _D.c.id.asc()]
    cols = [_D.c[c] for c in SUMMARY_COLUMNS]
    per_page = max(1, min(q.per_page, 200))
    query = select(*cols).where(*conds).order_by(*order).limit(per_page)
    rows = [dict(r) for r in conn.execute(query.offset((max(1, q.page) - 1) * per_page)).mappings()]
    states = _states(conn, [r["id"] for r in rows])
    mark_handoffs(conn, rows)
    for r in rows:
        r["created_at"] = iso(r["created_at"])
        r["review"] = states.get(r["id"], "none")
    return rows, int(total)


def _states(conn: Connection, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    states = {
        d: "requested"
        for d in conn.execute(
            select(review_requests.c.decision_id).where(review_requests.c.decision_id.in_(ids))
        ).scalars()
    }
    done = select(review_resolutions.c.decision_id).where(review_resolutions.c.decision_id.in_(ids))
    open_ids = set(conn.execute(select(_D.c.id).where(_D.c.id.in_(ids), open_request())).scalars())
    for d in conn.execute(done).scalars():
        states[d] = "requested" if d in open_ids else "resolved"
    return states
