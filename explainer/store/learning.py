"""What the store gives back for learning: the log in partitions for shadow scoring
(keyset pages in creation order, so memory stays bounded however large the log is), the
reviewed labels for retraining, and customer feedback. Erased decisions have no text
left; they are counted, never read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select

from explainer.privacy.personal import fill
from explainer.shadow.items import ShadowItem
from explainer.store.tables import decisions, feedback, payloads, review_resolutions

__all__ = ["LearningSource", "Page", "Reviewed"]

_R = review_resolutions


@dataclass(frozen=True)
class Page:
    """One partition: the decisions still holding their text, and how many were erased."""

    items: list[ShadowItem]
    erased: int


@dataclass(frozen=True)
class Reviewed:
    """Reviewed decisions still holding their text, with the labels a person settled on."""

    items: list[ShadowItem]
    corrections: int
    confirmations: int
    erased: int


class LearningSource:
    """Reads decisions, reviewed labels and feedback for retraining and shadow runs."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def count(self, since: datetime | None = None) -> int:
        """How many decisions a run over ``since`` reads (for the progress bar)."""
        query = select(func.count()).select_from(decisions)
        if since is not None:
            query = query.where(decisions.c.created_at >= since)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def pages(self, size: int, since: datetime | None = None) -> Iterator[Page]:
        """Partitions of at most ``size`` decisions, oldest first."""
        after: tuple[Any, str] | None = None
        while True:
            query = _PAGE.limit(size)
            if since is not None:
                query = query.where(decisions.c.created_at >= since)
            if after is not None:
                at, last = after
                query = query.where(
                    or_(
                        decisions.c.created_at > at,
                        and_(decisions.c.created_at == at, decisions.c.id > last),
                    )
                )
            with self._engine.connect() as conn:
                rows = conn.execute(query).all()
            if not rows:
                return
            after = (rows[-1].created_at, rows[-1].id)
            items = [
                ShadowItem.of(fill(json.loads(r.document), json.loads(r.data)), (r.ia, r.pa))
                for r in rows
                if r.data is not None
            ]
            erased = len(rows) - len(items)
            del rows  # the raw page goes before the next is read: one page in memory
            yield Page(items, erased)
            del items

    def reviewed(self, since: datetime | None = None) -> Reviewed:
        """Every decision's latest resolution (made since ``since``), with its text."""
        query = _REVIEWED_ROWS
        if since is not None:
            query = query.where(_REVIEWED.c.at >= since)
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        held = [r for r in rows if r.data is not None]
        items = [
            ShadowItem.of(fill(json.loads(r.document), json.loads(r.data)), (r.ia, r.pa))
            for r in held
        ]
        corrections = sum(r.action == "correct" for r in held)
        return Reviewed(items, corrections, len(held) - corrections, len(rows) - len(held))

    def feedback(self, since: datetime | None = None) -> dict[str, int]:
        """How many customers said the explanation helped, and how many said it did not."""
        query = select(feedback.c.helpful, func.count()).group_by(feedback.c.helpful)
        if since is not None:
            query = query.where(feedback.c.created_at >= since)
        with self._engine.connect() as conn:
            counts: dict[Any, int] = {k: v for k, v in conn.execute(query).all()}
        return {"helpful": int(counts.get(True, 0)), "not_helpful": int(counts.get(False, 0))}


# The latest resolution of each reviewed decision (the labels a person settled on).
_LATEST = (
    select(_R.c.decision_id, func.max(_R.c.created_at).label("at"))
    .group_by(_R.c.decision_id)
    .subquery()
)
_REVIEWED = (
    select(
        _R.c.decision_id,
        _R.c.intent_after,
        _R.c.priority_after,
        _R.c.action,
        _LATEST.c.at,
    )
    .join(_LATEST, and_(_LATEST.c.decision_id == _R.c.decision_id, _LATEST.c.at == _R.c.created_at))
    .subquery()
)
_PAGE = (
    select(
        decisions.c.id,
        decisions.c.created_at,
        decisions.c.document,
        payloads.c.data,
        _REVIEWED.c.intent_after.label("ia"),
        _REVIEWED.c.priority_after.label("pa"),
    )
    .outerjoin(payloads, (payloads.c.kind == "decision") & (payloads.c.ref_id == decisions.c.id))
    .outerjoin(_REVIEWED, _REVIEWED.c.decision_id == decisions.c.id)
    .order_by(decisions.c.created_at, decisions.c.id)
)
_REVIEWED_ROWS = (
    select(
        decisions.c.document,
        payloads.c.data,
        _REVIEWED.c.intent_after.label("ia"),
        _REVIEWED.c.priority_after.label("pa"),
        _REVIEWED.c.action,
    )
    .select_from(_REVIEWED)
    .join(decisions, decisions.c.id == _REVIEWED.c.decision_id)
    .outerjoin(payloads, (payloads.c.kind == "decision") & (payloads.c.ref_id == decisions.c.id))
    .order_by(_REVIEWED.c.at, decisions.c.id)
)
