"""What the customer page reads: one state query, then the decision from a cache it checks.

The page needs the decision and whether its link is live, and the review requests and
feedback only when there are any. One statement answers the questions (the decision
exists, its personal payload is still held, revocations, reviews, resolutions, feedback)
and the decision itself comes from a per-process cache keyed by *(id, payload held)*.
A stored decision never changes except by losing its payload (erasure or the retention
purge), so the key is the whole of its state: the moment a payload is gone, every
worker's next request asks for *(id, not held)* and never sees the cached personal
version again, whichever process did the erasure. Entries also expire after a minute
(swept by the next page request), so that erased text does not linger in a busy
worker's memory.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from explainer.decision import Decision
from explainer.store import decisions, people, resolutions
from explainer.store.tables import decisions as decisions_table
from explainer.store.tables import (
    feedback,
    link_revocations,
    payloads,
    review_requests,
    review_resolutions,
)

__all__ = ["DecisionCache", "PageState", "customer_view"]

PageState = tuple[Decision, list[dict[str, Any]], list[dict[str, Any]]]
_ID: Any = bindparam("decision_id")


def _count(table: Any) -> Any:
    return select(func.count()).select_from(table).where(table.c.decision_id == _ID)


_STATE = select(
    select(decisions_table.c.id).where(decisions_table.c.id == _ID).exists().label("known"),
    select(payloads.c.ref_id)
    .where(payloads.c.kind == "decision", payloads.c.ref_id == _ID)
    .exists()
    .label("held"),
    _count(link_revocations).scalar_subquery().label("revocations"),
    _count(review_requests).scalar_subquery().label("reviews"),
    _count(review_resolutions).scalar_subquery().label("resolutions"),
    _count(feedback).scalar_subquery().label("feedback"),
)


class DecisionCache:
    """A small LRU of stored decisions by *(id, payload held)*, entries living ``ttl`` s."""

    def __init__(self, size: int = 256, ttl: float = 60.0) -> None:
        self._size, self._ttl = size, ttl
        self._items: OrderedDict[tuple[str, bool], tuple[float, Decision]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, decision_id: str, held: bool) -> Decision | None:
        """The cached decision, or None; a decision no longer held drops its held copy."""
        with self._lock:
            self._sweep()
            if not held:
                self._items.pop((decision_id, True), None)
            found = self._items.get((decision_id, held))
            if found is None:
                return None
            self._items.move_to_end((decision_id, held))
            return found[1]

    def put(self, decision_id: str, held: bool, decision: Decision) -> None:
        """Keep a decision read in the state ``held``."""
        with self._lock:
            self._items[(decision_id, held)] = (time.monotonic(), decision)
            self._items.move_to_end((decision_id, held))
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def _sweep(self) -> None:
        # At most 256 timestamps: cheaper than a timer thread, and run by every request.
        oldest = time.monotonic() - self._ttl
        for key in [k for k, (at, _) in self._items.items() if at < oldest]:
            del self._items[key]


def customer_view(
    conn: Connection, cache: DecisionCache, decision_id: str, generation: int
) -> PageState | None:
    """The decision, its reviews (with outcomes) and feedback; None when unknown or when
    the link of ``generation`` is not the live one."""
    state = conn.execute(_STATE, {"decision_id": decision_id}).one()
    if not state.known or state.revocations != generation:
        return None
    held = bool(state.held)
    decision = cache.get(decision_id, held)
    if decision is None:
        decision = decisions.get(conn, decision_id)
        if decision is None:
            return None
        cache.put(decision_id, held, decision)
    asked = state.reviews or state.resolutions
    reviews = resolutions.reviews_with_outcomes(conn, decision_id) if asked else []
    given = people.feedback_for(conn, decision_id) if state.feedback else []
    return decision, reviews, given
