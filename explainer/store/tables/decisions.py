"""Decisions: the public document, its erasable personal payload, idempotency, erasures.

``payloads`` (personal data with its per-record salt) and ``idempotency_keys`` stay
mutable; ``decisions`` and ``erasures`` are records of the log, append-only."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    String,
    Table,
    Text,
)

from explainer.store.tables.base import ID, UTCDateTime, metadata

__all__ = ["AUDIT_INDEX", "decisions", "erasures", "idempotency_keys", "payloads"]


decisions = Table(
    "decisions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("intent", String(100), index=True),
    Column("priority", String(100), index=True),
    Column("intent_confidence", Float),
    Column("priority_confidence", Float),
    Column("channel", String(40), index=True),
    Column("plan", String(40), index=True),
    Column("language", String(40), index=True),
    Column("region", String(200), index=True),
    Column("intent_model_version", String(100)),
    Column("priority_model_version", String(100)),
    Column("template_version", String(100)),
    Column("api_key_id", String(ID)),
    Column("document", Text, nullable=False),  # the public JSON (personal parts removed)
)

payloads = Table(
    "payloads",
    metadata,
    Column("kind", String(40), primary_key=True),
    Column("ref_id", String(ID), primary_key=True),
    Column("customer_id", String(200), index=True),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("salt", String(64), nullable=False),
    Column("data", Text, nullable=False),
    # Revision 0006: SHA-256 of the helpdesk's ticket id, for the console's exact look-up.
    # It lives and goes with the payload; the commitment does not cover it.
    Column("ticket_hash", String(64), index=True),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(ID), primary_key=True),  # the API key id ("" without one)
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(200), nullable=False),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# The decisions a person must act on, and why (comma-separated codes): the triage
# queue's and the console filter's index. Not a log record: the logged decision document
# holds the same ``handoff`` block, so this is derived data, written in the same
# transaction (and a new column on ``decisions`` would change old records' leaves).
decision_handoffs = Table(
    "decision_handoffs",
    metadata,
    Column("decision_id", String(ID), ForeignKey("decisions.id"), primary_key=True),
    Column("reasons", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)

erasures = Table(
    "erasures",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("reason", String(20), nullable=False),  # "customer" or "retention"
    Column("refs", Text, nullable=False),  # JSON list of "kind:id" whose payload went
    Column("created_at", UTCDateTime, nullable=False),
)

# Columns of the covering index ``ix_decisions_audit`` that the console's search reads.
AUDIT_INDEX = (
    "created_at",
    "id",
    "intent",
    "priority",
    "channel",
    "plan",
    "language",
    "region",
    "intent_confidence",
    "priority_confidence",
    "intent_model_version",
    "priority_model_version",
)
