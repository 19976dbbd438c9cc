"""The ``Store`` facade: one object the service, the web layer and the CLI talk to."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, update

from explainer.decision import Decision
from explainer.errors import NotFoundError
from explainer.oversight.query import SearchQuery
from explainer.settings import Settings
from explainer.store import decisions, erasure, keys, people, reports, resolutions, search
from explainer.store.engine import make_engine, migrate, probe_write, writing
from explainer.store.keys import ApiKey
from explainer.store.ledger import merkle
from explainer.store.ledger.log import Frontier, Recorder, Signer, make_checkpoint
from explainer.store.ledger.verify import VerifyResult, verify
from explainer.store.tables import checkpoints, log_leaves, readiness

__all__ = ["Store"]


class Store:
    """Decisions, people's records, API keys and the tamper-evident log over one database."""

    def __init__(
        self, engine: Engine, signer: Signer, checkpoint_every: int, retention_days: int
    ) -> None:
        self.engine = engine
        self.signer = signer
        self.checkpoint_every = checkpoint_every
        self.retention_days = retention_days
        # The tree over the leaves up to the last checkpoint this process made.
        self._frontier = Frontier()
        self._frontier_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """The database, log signing key and cadences the settings name."""
        engine = make_engine(settings.database_url, settings.lock_timeout_seconds)
        signer = Signer.in_folder(settings.instance_path)
        return cls(engine, signer, settings.checkpoint_every, settings.retention_days)

    def upgrade(self) -> None:
        """Run the migrations up to the newest revision."""
        migrate(self.engine)

    def ready(self) -> bool:
        """Whether the store can take a write now (a one-row write, never waiting long)."""
        stamp = update(readiness).where(readiness.c.id == 1).values(checked_at=datetime.now(UTC))
        return probe_write(self.engine, stamp)

    def dispose(self) -> None:
        """Close pooled connections (after a fork, or at the end of tests)."""
        self.engine.dispose()

    @contextmanager
    def recording(self) -> Iterator[Recorder]:
        """A write transaction that appends log records, checkpointing on the cadence."""
        with writing(self.engine) as conn:
            rec = Recorder(conn)
            yield rec
        if rec.crossed(self.checkpoint_every):
            self.checkpoint()

    # decisions
    def save_decision(
        self,
        decision: Decision,
        *,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
        api_key_id: str | None = None,
    ) -> tuple[Decision, bool]:
        """Append a decision (one transaction); replay or refuse a reused idempotency key."""
        with self.recording() as rec:
            return decisions.save(rec, decision, idempotency_key, request_hash, api_key_id)

    def get_decision(self, decision_id: str) -> Decision | None:
        """The stored decision (personal parts replaced and ``erased`` set once erased)."""
        with self.engine.connect() as conn:
            return decisions.get(conn, decision_id)

    # API keys
    def create_api_key(self, name: str, scopes: list[str]) -> tuple[str, str]:
        """A new key as ``(plaintext, key_id)``; only its hash is kept."""
        with self.recording() as rec:
            return keys.create(rec, name, scopes)

    def revoke_api_key(self, key_id: str) -> bool:
        """Revoke a key; False when unknown or already revoked."""
        with self.recording() as rec:
            return keys.revoke(rec, key_id)

    def authenticate(self, plaintext: str) -> ApiKey | None:
        """The key for a bearer token, or None."""
        with self.engine.connect() as conn:
            return keys.authenticate(conn, plaintext)

    # what a person adds
    def add_review_request(self, decision_id: str, comment: str | None) -> dict[str, Any]:
        """Record a request for human review; NotFoundError for an unknown decision."""
        with self.recording() as rec:
            return people.add_review(rec, decision_id, comment)

    def add_feedback(self, decision_id: str, helpful: bool, comment: str | None) -> dict[str, Any]:
        """Record whether the explanation helped; NotFoundError for an unknown decision."""
        with self.recording() as rec:
            return people.add_feedback(rec, decision_id, helpful, comment)

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
            people.revoke_link(rec, decision_id)

    def customer_view(
        self, decision_id: str
    ) -> tuple[Decision, list[dict[str, Any]], list[dict[str, Any]]] | None:
        """What the customer page shows, read over one connection: the decision, its
        review requests (with outcomes) and feedback; None when unknown or revoked."""
        with self.engine.connect() as conn:
            decision = decisions.get(conn, decision_id)
            if decision is None or people.link_revoked(conn, decision_id):
                return None
            reviews = resolutions.reviews_with_outcomes(conn, decision_id)
            return decision, reviews, people.feedback_for(conn, decision_id)

    def link_revoked(self, decision_id: str) -> bool:
        """Whether the decision's customer link has been revoked."""
        with self.engine.connect() as conn:
            return people.link_revoked(conn, decision_id)

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
            resolutions.resolve(rec, decision_id, reviewer, labels, note, outcome)

    def reviewed(self) -> list[dict[str, Any]]:
        """Reviewed decisions with their final labels (the retraining export)."""
        with self.engine.connect() as conn:
            return resolutions.reviewed(conn)

    # accountability and privacy
    def checkpoint(self) -> dict[str, Any]:
        """Sign the current tree head; store it and append it to the checkpoint file."""
        with self._frontier_lock, writing(self.engine) as conn:
            try:
                head = make_checkpoint(conn, self.signer, self._frontier)
            except BaseException:
                self._frontier.reset()  # rebuilt from the log next time
                raise
        self.signer.write(head)
        return head

    def verify_log(self) -> VerifyResult:
        """Recompute the whole log and every checkpoint; name the first bad record."""
        with self.engine.connect() as conn:
            return verify(conn, self.signer)

    def inclusion_proof(self, decision_id: str) -> dict[str, Any]:
        """An RFC 6962 audit path for the decision against the latest covering checkpoint."""
        with self.engine.connect() as conn:
            leaf = (
                conn.execute(
                    select(log_leaves).where(
                        log_leaves.c.kind == "decision", log_leaves.c.ref_id == decision_id
                    )
                )
                .mappings()
                .first()
            )
            if leaf is None:
                raise NotFoundError(f"no decision {decision_id} in the log")
            head = self._latest_head(leaf["idx"])
            query = select(log_leaves.c.leaf_hash).where(log_leaves.c.idx < head["tree_size"])
            hashes = [
                bytes.fromhex(h) for h in conn.execute(query.order_by(log_leaves.c.idx)).scalars()
            ]
        path = merkle.inclusion_proof(leaf["idx"], hashes)
        root = bytes.fromhex(head["root"])
        own = bytes.fromhex(leaf["leaf_hash"])
        return {
            "leaf_index": leaf["idx"],
            "tree_size": head["tree_size"],
            "root": head["root"],
            "timestamp": head["timestamp"],
            "signature": head["signature"],
            "leaf_hash": leaf["leaf_hash"],
            "audit_path": [p.hex() for p in path],
            "verified": merkle.verify_inclusion(leaf["idx"], head["tree_size"], own, path, root),
        }

    def _latest_head(self, index: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            query = select(checkpoints).order_by(checkpoints.c.id.desc()).limit(1)
            row = conn.execute(query).mappings().first()
        if row is not None and row["tree_size"] > index:
            return dict(row)
        return self.checkpoint()

    def erase_customer(self, customer_id: str) -> dict[str, Any]:
        """Remove a customer's personal payload, revoke their links, log the erasure."""
        with self.recording() as rec:
            return erasure.erase_customer(rec, customer_id)

    def purge(self, now: datetime | None = None) -> dict[str, Any]:
        """Remove personal payload older than RETENTION_DAYS; report counts."""
        with self.recording() as rec:
            return erasure.purge(rec, now or datetime.now(UTC), self.retention_days)

    def export_customer(self, customer_id: str) -> dict[str, Any]:
        """Everything held about one customer, as JSON-ready data."""
        with self.engine.connect() as conn:
            return erasure.export_customer(conn, customer_id, self.retention_days)
