"""The ``Store`` facade: one object the service, the web layer and the CLI talk to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update

from explainer.decision import Decision, Receipt
from explainer.oversight.query import SearchQuery
from explainer.settings import Settings
from explainer.store import (
    customer_links,
    customer_page,
    decisions,
    erasure,
    people,
    reports,
    resolutions,
    search,
)
from explainer.store.customer_links import LinkState
from explainer.store.customer_page import DecisionCache, PageState
from explainer.store.engine import make_engine, migrate, probe_write, reading, scrub, writing
from explainer.store.key_ring import ApiKeys
from explainer.store.ledger.ledger import Ledger
from explainer.store.ledger.log import Recorder
from explainer.store.ledger.signer import Signer
from explainer.store.ledger.verify import VerifyResult
from explainer.store.tables import maintenance, readiness
from explainer.store.webhooks import Webhooks, emit, emit_created

__all__ = ["Store"]

_PURGE_ROW = maintenance.c.task == "purge"
_LAST_PURGE = select(maintenance.c.last_run_at).where(_PURGE_ROW)


class Store:
    """Decisions, people's records, API keys and the tamper-evident log over one database."""

    def __init__(
        self,
        engine: Engine,
        signer: Signer,
        checkpoint_every: int,
        retention_days: int,
        head_interval: float = 1.0,
        secret: str = "",
    ) -> None:
        self.engine = engine
        self.checkpoint_every = checkpoint_every
        self.retention_days = retention_days
        self.log = Ledger(engine, signer, head_interval)
        self.api_keys = ApiKeys(engine, self.recording)
        self.webhooks = Webhooks(engine, secret)
        self.pages = DecisionCache()

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """The database, log key and cadences the settings name (the key's place checked)."""
        engine = make_engine(settings.database_url, settings.lock_timeout_seconds)
        signer = Signer.from_settings(settings)
        every, interval = settings.checkpoint_every, settings.head_interval_seconds
        return cls(engine, signer, every, settings.retention_days, interval, settings.secret)

    def upgrade(self) -> None:
        """Run the migrations; then sign a head over any records an older release logged."""
        migrate(self.engine)
        self.log.sign_if_grown()

    def ready(self) -> bool:
        """Whether the store can take a write now (a one-row write, never waiting long)."""
        stamp = update(readiness).where(readiness.c.id == 1).values(checked_at=datetime.now(UTC))
        return probe_write(self.engine, stamp)

    def dispose(self) -> None:
        """Close pooled connections and drop a pending head (after a fork, in tests)."""
        self.log.cancel()
        self.api_keys.cancel()
        self.engine.dispose()

    def shutdown(self) -> None:
        """A clean stop: sign a final head over this process's records, then dispose."""
        try:
            self.log.shutdown()
            self.api_keys.flush()
        finally:
            self.dispose()

    @contextmanager
    def recording(self) -> Iterator[Recorder]:
        """A write transaction that appends log records; heads follow on the cadence."""
        with writing(self.engine) as conn:
            rec = Recorder(conn)
            yield rec
        if rec.leaves:
            self.log.wrote(rec.crossed(self.checkpoint_every))

    # decisions
    def save_decision(
        self,
        decision: Decision,
        *,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
        api_key_id: str | None = None,
    ) -> tuple[Decision, bool]:
        """Append a decision (one transaction) with its receipt; replay or refuse a reused
        idempotency key (a replay carries the original's receipt)."""
        with self.recording() as rec:
            stored, created = decisions.save(
                rec, decision, idempotency_key, request_hash, api_key_id
            )
            if created:  # events in the same transaction: a rolled-back decision has none
                emit_created(rec.conn, stored)
        leaf = rec.leaf("decision", str(stored.id))
        receipt = self.log.receipt(leaf) if leaf else self.receipt("decision", str(stored.id))
        return stored.model_copy(update={"receipt": Receipt.model_validate(receipt)}), created

    def receipt(self, kind: str, ref_id: str) -> dict[str, Any]:
        """The signed receipt of a stored record; NotFoundError when it has no leaf."""
        return self.log.receipt_for(kind, ref_id)

    def get_decision(self, decision_id: str) -> Decision | None:
        """The stored decision (personal parts replaced and ``erased`` set once erased)."""
        with self.engine.connect() as conn:
            return decisions.get(conn, decision_id)

    # what a person adds
    def add_review_request(self, decision_id: str, comment: str | None) -> dict[str, Any]:
        """Record a request for human review; NotFoundError for an unknown decision."""
        with self.recording() as rec:
            made = people.add_review(rec, decision_id, comment)
            emit(rec.conn, "review.requested", decision_id, review_request_id=made["id"])
            return made

    def add_feedback(self, decision_id: str, helpful: bool, comment: str | None) -> dict[str, Any]:
        """Record whether the explanation helped; NotFoundError for an unknown decision."""
        with self.recording() as rec:
            made = people.add_feedback(rec, decision_id, helpful, comment)
            emit(rec.conn, "feedback.received", decision_id, helpful=helpful)
            return made

    def reviews_for(self, decision_id: str) -> list[dict[str, Any]]:
        """Review requests on a decision, oldest first; answered ones ``resolved`` with
        the reviewer's ``outcome``, plus reviews a person made unasked."""
        with self.engine.connect() as conn:
            return resolutions.reviews_with_outcomes(conn, decision_id)

    def feedback_for(self, decision_id: str) -> list[dict[str, Any]]:
        """Feedback on a decision, oldest first."""
        with self.engine.connect() as conn:
            return people.feedback_for(conn, decision_id)

    def revoke_link(self, decision_id: str) -> None:
        """Revoke the decision's customer link (a logged record; repeats are no-ops)."""
        with self.recording() as rec:
            customer_links.revoke_link(rec, decision_id)

    def reissue_link(self, decision_id: str, actor: str) -> LinkState:
        """Revoke the live link and issue the next one (a logged record); its state."""
        with self.recording() as rec:
            return customer_links.reissue_link(rec, decision_id, actor)

    def link_state(self, decision_id: str) -> LinkState:
        """The decision link's generation, when it was reissued, whether it is live."""
        with self.engine.connect() as conn:
            return customer_links.link_state(conn, decision_id)

    def customer_view(self, decision_id: str, generation: int = 0) -> PageState | None:
        """The customer page's decision, reviews and feedback (``customer_page``)."""
        with reading(self.engine) as conn:
            return customer_page.customer_view(conn, self.pages, decision_id, generation)

    def record_accesses(self, decision_ids: Iterable[str], viewer: str, role: str) -> None:
        """Log that a console user was shown these decisions' personal data (one write)."""
        with self.recording() as rec:
            for decision_id in decision_ids:
                people.record_access(rec, decision_id, viewer, role)

    def accesses_for(self, decision_id: str) -> list[dict[str, Any]]:
        """Who opened a decision's personal data, oldest first."""
        with self.engine.connect() as conn:
            return people.accesses_for(conn, decision_id)

    def link_revoked(self, decision_id: str) -> bool:
        """Whether the decision's customer link has been revoked."""
        with self.engine.connect() as conn:
            return customer_links.link_revoked(conn, decision_id)

    # the console's reads and a reviewer's resolution
    def search(self, query: SearchQuery) -> tuple[list[dict[str, Any]], int]:
        """One page of the console's decision search, and the total count."""
        with self.engine.connect() as conn:
            return search.search(conn, query)

    def search_all(self, query: SearchQuery) -> Iterator[dict[str, Any]]:
        """Every decision the search matches, streamed over one connection (exports)."""
        with self.engine.connect() as conn:
            yield from reports.search_all(conn, query)

    def fairness_rows(self, since: datetime | None, until: datetime | None) -> list[dict[str, Any]]:
        """Per-decision rows for the fairness report in a time window."""
        with self.engine.connect() as conn:
            return reports.fairness_rows(conn, since, until)

    def attribution_items(self, model: str) -> list[tuple[str, datetime, dict[str, float]]]:
        """Stored attributions of one model, for global importance and drift."""
        with self.engine.connect() as conn:
            return list(reports.attribution_items(conn, model))

    def resolutions_for(self, decision_id: str) -> list[dict[str, Any]]:
        """Reviewers' resolutions of one decision, oldest first."""
        with self.engine.connect() as conn:
            return resolutions.resolutions_for(conn, decision_id)

    def review_queue(self, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        """Open customer requests first, then unreviewed decisions that need a person."""
        with self.engine.connect() as conn:
            return resolutions.queue(conn, limit, offset)

    def resolve_review(
        self,
        decision_id: str,
        reviewer: str,
        labels: dict[str, Any],
        note: str | None,
        outcome: str,
    ) -> None:
        """Record a reviewer's confirmation or correction (a logged record)."""
        with self.recording() as rec:
            made = resolutions.resolve(rec, decision_id, reviewer, labels, note, outcome)
            emit(
                rec.conn,
                "review.resolved",
                decision_id,
                action=made.get("action"),
                intent_after=made.get("intent_after"),
                priority_after=made.get("priority_after"),
            )

    def reviewed(self) -> list[dict[str, Any]]:
        """Reviewed decisions with their final labels (the retraining export)."""
        with self.engine.connect() as conn:
            return resolutions.reviewed(conn)

    # accountability and privacy
    def checkpoint(self) -> dict[str, Any]:
        """Sign the current tree head now; store it and append it to the head file."""
        return self.log.sign()

    def verify_log(
        self, receipts: Iterable[tuple[str, Any]] = (), witnessed: Iterable[tuple[str, Any]] = ()
    ) -> VerifyResult:
        """Recompute the whole log and every head; check receipts and witnessed heads."""
        return self.log.verify(receipts, witnessed)

    def inclusion_proof(self, decision_id: str, *, sign: bool = False) -> dict[str, Any]:
        """An RFC 6962 audit path for the decision against the newest head covering it
        (``sign``: sign one when none does yet; otherwise NotYetCovered)."""
        return self.log.inclusion("decision", decision_id, sign=sign)

    def erase_customer(self, customer_id: str) -> dict[str, Any]:
        """Remove a customer's personal payload, revoke their links, log the erasure; then
        make the removal reach the disk (``scrub``)."""
        with self.recording() as rec:
            counts = erasure.erase_customer(rec, customer_id)
        return {**counts, "disk": scrub(self.engine) if counts["erasure_id"] else None}

    def purge(self, now: datetime | None = None) -> dict[str, Any]:
        """Remove personal payload older than RETENTION_DAYS, down to the disk; counts."""
        with self.recording() as rec:
            counts = erasure.purge(rec, now or datetime.now(UTC), self.retention_days)
        return {**counts, "disk": scrub(self.engine) if counts["erasure_id"] else None}

    def purge_if_due(self, every: timedelta, now: datetime | None = None) -> dict[str, Any] | None:
        """The retention purge, unless one ran within ``every``: under the write lock, so
        one process runs it per interval however many ask. None when it was not due."""
        now = now or datetime.now(UTC)
        with self.recording() as rec:
            last = rec.conn.execute(_LAST_PURGE).scalar_one_or_none()
            if last is not None and now - last < every:
                return None
            counts = erasure.purge(rec, now, self.retention_days)
            mark = {"task": "purge", "last_run_at": now}
            if last is None:
                rec.conn.execute(insert(maintenance).values(mark))
            else:
                rec.conn.execute(update(maintenance).where(_PURGE_ROW).values(mark))
        return {**counts, "disk": scrub(self.engine) if counts["erasure_id"] else None}

    def export_customer(self, customer_id: str) -> dict[str, Any]:
        """Everything held about one customer, as JSON-ready data."""
        with self.engine.connect() as conn:
            return erasure.export_customer(conn, customer_id, self.retention_days)
