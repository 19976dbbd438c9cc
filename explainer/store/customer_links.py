"""Customer links: revocations and reissues, both log records.

A link's *generation* is the number of revocations on record when it was issued. A
revocation ends the live generation; a reissue (after a revocation) starts the next, so
a token is live exactly when its generation equals the number of revocations. The
first link of a decision is generation 0 and issued at the decision's creation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import BindParameter, Connection, bindparam, func, select

from explainer.errors import ConflictError
from explainer.store.ids import new_id
from explainer.store.ledger.log import Recorder
from explainer.store.people import require_decision
from explainer.store.tables import link_reissues, link_revocations, payloads

__all__ = ["LinkState", "link_revoked", "link_state", "reissue_link", "revoke_link"]


@dataclass(frozen=True)
class LinkState:
    """Where a decision's customer link stands."""

    revocations: int
    generation: int  # the newest issued generation (reissues so far)
    issued_at: datetime | None  # of the newest reissue; None for the first link

    @property
    def live(self) -> bool:
        """Whether the newest link works (not revoked since it was issued)."""
        return self.revocations == self.generation


def link_state(conn: Connection, decision_id: str) -> LinkState:
    """Revocations and the newest reissue of one decision's link (two indexed look-ups)."""
    revoked = conn.execute(_REVOCATIONS, {"decision_id": decision_id}).scalar_one()
    newest = conn.execute(_NEWEST, {"decision_id": decision_id}).first()
    if newest is None:
        return LinkState(int(revoked), 0, None)
    return LinkState(int(revoked), int(newest.generation), newest.created_at)


def link_revoked(conn: Connection, decision_id: str, generation: int | None = None) -> bool:
    """Whether a link of ``generation`` (the newest one by default) is revoked."""
    if generation is None:
        return not link_state(conn, decision_id).live
    return conn.execute(_REVOCATIONS, {"decision_id": decision_id}).scalar_one() != generation


def revoke_link(rec: Recorder, decision_id: str) -> bool:
    """Record that the decision's live link is revoked; False if none is live."""
    require_decision(rec.conn, decision_id)
    if not link_state(rec.conn, decision_id).live:
        return False
    now = datetime.now(UTC)
    rec.record(
        "link_revocation", {"id": new_id("lrv"), "decision_id": decision_id, "created_at": now}
    )
    return True


def reissue_link(rec: Recorder, decision_id: str, actor: str) -> LinkState:
    """Revoke the live link (if any) and issue the next generation, counted from now.

    An erased decision keeps its links revoked: the customer asked for their data to go,
    and a new link would lead to a page about them.
    """
    require_decision(rec.conn, decision_id)
    held = select(payloads.c.ref_id).where(
        payloads.c.kind == "decision", payloads.c.ref_id == decision_id
    )
    if rec.conn.execute(held).first() is None:
        raise ConflictError("this decision's personal data was erased; its link stays revoked")
    revoke_link(rec, decision_id)
    state = link_state(rec.conn, decision_id)
    now = datetime.now(UTC)
    row = {
        "id": new_id("lri"),
        "decision_id": decision_id,
        "generation": state.revocations,
        "actor": actor,
        "created_at": now,
    }
    rec.record("link_reissue", row)
    return LinkState(state.revocations, state.revocations, now)


_BY_DECISION: BindParameter[str] = bindparam("decision_id")
_REVOCATIONS = (
    select(func.count())
    .select_from(link_revocations)
    .where(link_revocations.c.decision_id == _BY_DECISION)
)
_NEWEST = (
    select(link_reissues.c.generation, link_reissues.c.created_at)
    .where(link_reissues.c.decision_id == _BY_DECISION)
    .order_by(link_reissues.c.generation.desc())
    .limit(1)
)
