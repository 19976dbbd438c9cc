"""Erasure, retention and export: personal payload goes, the log stays verifiable."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, delete, select

from explainer.store import customer_links, people, resolutions
from explainer.store import decisions as decision_rows
from explainer.store.ids import new_id
from explainer.store.ledger.log import Recorder, iso
from explainer.store.tables import idempotency_keys, payloads

__all__ = ["erase_customer", "export_customer", "purge"]


def erase_customer(rec: Recorder, customer_id: str) -> dict[str, Any]:
    """Delete every payload of one customer, revoke their links, log the erasure."""
    where = payloads.c.customer_id == customer_id
    refs = _refs(rec.conn, select(payloads.c.kind, payloads.c.ref_id).where(where))
    decision_ids = [ref_id for kind, ref_id in refs if kind == "decision"]
    revoked = sum(customer_links.revoke_link(rec, d) for d in decision_ids)
    counts = _erase(rec, refs, "customer")
    if decision_ids:
        rec.conn.execute(
            delete(idempotency_keys).where(idempotency_keys.c.decision_id.in_(decision_ids))
        )
    return {**counts, "links_revoked": revoked}


def purge(rec: Recorder, now: datetime, retention_days: int) -> dict[str, Any]:
    """Delete every payload older than the retention period, as one logged erasure."""
    cutoff = now - timedelta(days=retention_days)
    query = select(payloads.c.kind, payloads.c.ref_id).where(payloads.c.created_at < cutoff)
    counts = _erase(rec, _refs(rec.conn, query), "retention")
    return {**counts, "cutoff": iso(cutoff)}


def _refs(conn: Connection, query: Select[str, str]) -> list[tuple[str, str]]:
    return sorted((str(k), str(r)) for k, r in conn.execute(query))


def _erase(rec: Recorder, refs: list[tuple[str, str]], reason: str) -> dict[str, Any]:
    counts = Counter(kind for kind, _ in refs)
    result: dict[str, Any] = {
        k: counts.get(k, 0) for k in ("decision", "review_request", "feedback")
    }
    result["erasure_id"] = None
    if not refs:
        return result
    for kind, ref_id in refs:
        rec.conn.execute(
            delete(payloads).where(payloads.c.kind == kind, payloads.c.ref_id == ref_id)
        )
    erasure_id = new_id("era")
    rec.record(
        "erasure",
        {
            "id": erasure_id,
            "reason": reason,
            "refs": json.dumps([f"{k}:{r}" for k, r in refs]),
            "created_at": datetime.now(UTC),
        },
    )
    return {**result, "erasure_id": erasure_id}


def export_customer(conn: Connection, customer_id: str, retention_days: int) -> dict[str, Any]:
    """Everything held about one customer, with the date each personal payload will go."""
    query = select(payloads.c.kind, payloads.c.ref_id, payloads.c.created_at).where(
        payloads.c.customer_id == customer_id
    )
    until = {(k, r): iso(at + timedelta(days=retention_days)) for k, r, at in conn.execute(query)}
    decision_ids = sorted(r for k, r in until if k == "decision")
    out: dict[str, Any] = {
        "customer_id": customer_id,
        "exported_at": iso(datetime.now(UTC)),
        "retention_days": retention_days,
        "decisions": [],
        "reviews": [],
        "resolutions": [],
        "feedback": [],
        "accesses": [],
        "model_versions": [],
    }
    models: dict[tuple[str, str], dict[str, Any]] = {}
    for decision_id in decision_ids:
        found = decision_rows.get(conn, decision_id)
        assert found is not None  # a payload row implies its decision (foreign design)
        decision = found.wire()
        decision.pop("links", None)
        decision["personal_data_until"] = until[("decision", decision_id)]
        decision["link_revoked"] = customer_links.link_revoked(conn, decision_id)
        out["decisions"].append(decision)
        out["accesses"] += people.accesses_for(conn, decision_id)  # who read their message
        for name in ("intent", "priority"):
            model = (decision.get(name) or {}).get("model")
            if model:
                models[(model["name"], model["version"])] = model
        for key, kind, items in (
            # Statuses as the console and the customer page show them (resolved, outcome).
            ("reviews", "review_request", resolutions.reviews_with_outcomes(conn, decision_id)),
            ("resolutions", "review_resolution", resolutions.resolutions_for(conn, decision_id)),
            ("feedback", "feedback", people.feedback_for(conn, decision_id)),
        ):
            for item in items:
                item["personal_data_until"] = until.get((kind, item["id"]))
                out[key].append(item)
    out["model_versions"] = [models[k] for k in sorted(models)]
    return out
