"""Tables of the auditor console (revision 0002): accounts, sessions, throttling, reviews.

``users``, ``sessions`` and ``login_attempts`` are working state and stay mutable.
What a reviewer or an admin does is a record in the tamper-evident log:
``account_events`` (a user created, disabled or re-enabled) and
``review_resolutions`` (a reviewer confirmed or corrected a decision's labels);
both are append-only and listed in ``AUDITOR_RECORDS``.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from explainer.store.schema import ID, UTCDateTime, drop_triggers_sql, metadata, trigger_sql

__all__ = [
    "AUDITOR_APPEND_ONLY",
    "AUDITOR_RECORDS",
    "AUDIT_INDEX",
    "account_events",
    "auditor_drop_triggers_sql",
    "auditor_trigger_sql",
    "login_attempts",
    "review_resolutions",
    "sessions",
    "users",
]

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

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("username", String(100), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("username", name="uq_users_username"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the cookie's random token
    Column("user_id", String(ID), ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_login_attempts_who", "username", "ip", "created_at"),
)

account_events = Table(
    "account_events",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("action", String(20), nullable=False),  # create | disable | enable
    Column("username", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("actor", String(100), nullable=False),  # a username, or "cli"
    Column("created_at", UTCDateTime, nullable=False),
)

review_resolutions = Table(
    "review_resolutions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("review_request_id", String(ID), index=True),  # the request it answers, if any
    Column("reviewer", String(100), nullable=False),
    Column("action", String(20), nullable=False),  # confirm | correct
    Column("intent_before", String(100)),
    Column("intent_after", String(100)),
    Column("priority_before", String(100)),
    Column("priority_after", String(100)),
    Column("outcome", Text, nullable=False),  # the sentence the customer is shown
    Column("created_at", UTCDateTime, nullable=False),
)

AUDITOR_RECORDS: dict[str, tuple[Table, str]] = {
    "account_event": (account_events, "id"),
    "review_resolution": (review_resolutions, "id"),
}
AUDITOR_APPEND_ONLY = [t.name for t, _ in AUDITOR_RECORDS.values()]


# Its own function, so revision 0001's can be dropped (and re-made) on its own.
# Their own trigger function, so dropping the core tables' triggers leaves these in place.
_FUNCTION = "explainer_auditor_append_only"


def auditor_trigger_sql(dialect: str) -> list[str]:
    """Refuse UPDATE and DELETE on the auditor's record tables."""
    return trigger_sql(dialect, AUDITOR_APPEND_ONLY, _FUNCTION)


def auditor_drop_triggers_sql(dialect: str) -> list[str]:
    """The reverse of ``auditor_trigger_sql``."""
    return drop_triggers_sql(dialect, AUDITOR_APPEND_ONLY, _FUNCTION)
