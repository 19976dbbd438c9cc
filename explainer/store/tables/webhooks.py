"""Webhook subscriptions, the transactional outbox, and the delivery lease."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

from explainer.store.tables.base import ID, UTCDateTime, metadata

__all__ = ["webhook_lease", "webhook_outbox", "webhook_subscriptions"]

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("url", String(2000), nullable=False),
    Column("events", String(500), nullable=False),  # comma-separated event names
    # Fernet-encrypted with a key derived from the service secret: HMAC needs the secret
    # itself, so it cannot be hashed like an API key.
    Column("secret", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# One row per event and subscription, written in the transaction that caused the event.
webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    Column("id", String(ID), primary_key=True),  # the webhook-id: the same on every retry
    Column(
        "subscription_id",
        String(ID),
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("event", String(40), nullable=False),
    Column("payload", Text, nullable=False),  # the JSON body, exactly as signed and sent
    Column("created_at", UTCDateTime, nullable=False),
    Column("state", String(20), nullable=False, index=True),  # pending, delivered, dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False, index=True),
    Column("last_error", String(200)),
    Column("delivered_at", UTCDateTime),
)

# Who delivers: one process at a time holds the lease and renews it while it works.
webhook_lease = Table(
    "webhook_lease",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("holder", String(100), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)
