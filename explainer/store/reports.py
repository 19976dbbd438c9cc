"""Reads for the oversight reports: fairness rows, attribution sizes, whole-search exports.

Queries only; the figures are computed by the pure ``explainer.fairness`` and
``explainer.importance`` modules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from explainer.oversight.importance import attribution_sizes
from explainer.oversight.query import SearchQuery
from explainer.oversight.report import explanation_quality
from explainer.privacy import personal
from explainer.store.search import search
from explainer.store.tables import decisions, payloads, review_requests, review_resolutions

__all__ = ["EXPORT_PAGE", "attribution_items", "fairness_rows", "search_all"]

EXPORT_PAGE = 200  # the search's own page-size limit
_D = decisions


def _window(query: Any, since: datetime | None, until: datetime | None) -> Any:
    if since is not None:
        query = query.where(_D.c.created_at >= since)
    if until is not None:
        query = query.where(_D.c.created_at < until)
    return query


def _reviewed(conn: Connection) -> dict[str, tuple[str | None, str | None]]:
    """Decision id -> the latest reviewed ``(intent, priority)``."""
    r = review_resolutions
    query = select(r.c.decision_id, r.c.intent_after, r.c.priority_after).order_by(
        r.c.created_at, r.c.id
    )
    return {d: (i, p) for d, i, p in conn.execute(query)}


def fairness_rows(
    conn: Connection, since: datetime | None = None, until: datetime | None = None
) -> list[dict[str, Any]]:
    """One row per decision in the window, in the shape ``fairness_report`` reads."""
    contested = set(conn.execute(select(review_requests.c.decision_id).distinct()).scalars())
    reviewed = _reviewed(conn)
    cols = [_D.c[c] for c in ("id", "language", "region", "plan", "intent", "priority")]
    confidences = [_D.c.intent_confidence, _D.c.priority_confidence]
    query = _window(select(*cols, *confidences, _D.c.document), since, until)
    out = []
    for row in conn.execute(query).mappings():
        item = {k: v for k, v in row.items() if k != "document"}
        document = json.loads(row["document"])
        codes = set((document.get("handoff") or {}).get("reasons") or [])
        item.update(
            handoff=bool(codes),
            abstained=bool(codes & {"out_of_scope", "low_confidence"}),
            sensitive="sensitive" in codes,
            opted_out="opted_out" in codes,
        )
        review = reviewed.get(row["id"], (None, None))
        item.update(
            contested=row["id"] in contested,
            reviewed_intent=review[0],
            reviewed_priority=review[1],
            **explanation_quality(document),
        )
        out.append(item)
    return out


def attribution_items(
    conn: Connection, model: str
) -> Iterator[tuple[str, datetime, dict[str, float]]]:
    """``(model version, created_at, feature -> |attribution|)`` of every stored decision.

    Text features name the customer's words, so they come from the erasable payload;
    once a decision is erased its text features count as one ``[erased]`` feature.
    """
    version = _D.c[f"{model}_model_version"]
    joined = _D.outerjoin(
        payloads, (payloads.c.kind == "decision") & (payloads.c.ref_id == _D.c.id)
    )
    query = (
        select(version, _D.c.created_at, _D.c.document, payloads.c.data)
        .select_from(joined)
        .where(version.is_not(None))
    )
    for v, created, document, data in conn.execute(query):
        decision = personal.fill(json.loads(document), None if data is None else json.loads(data))
        yield str(v), created, attribution_sizes(decision, model)


def search_all(conn: Connection, query: SearchQuery) -> Iterator[dict[str, Any]]:
    """Every row of a search, page by page (the search's order; no page limit)."""
    page = 1
    while True:
        rows, total = search(conn, replace(query, page=page, per_page=EXPORT_PAGE))
        yield from rows
        if not rows or page * EXPORT_PAGE >= total:
            return
        page += 1
