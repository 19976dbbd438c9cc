"""Who may use the service: API keys, console users, their sessions and sign-in attempts.

``users``, ``sessions`` and ``login_attempts`` are working state and stay mutable;
keys, revocations, expiries and ``account_events`` are records of the log;
``api_key_uses`` is working state."""

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

from explainer.store.tables.base import ID, UTCDateTime, metadata

__all__ = [
    "account_events",
    "api_key_expiries",
    "api_key_revocations",
    "api_key_uses",
    "api_keys",
    "login_attempts",
    "rate_windows",
    "sessions",
    "users",
]


api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("key_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

api_key_revocations = Table(
    "api_key_revocations",
    metadata,
    Column("key_id", String(ID), ForeignKey("api_keys.id"), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# Revision 0006: an expiry set when a key is made (a record of the log, like the key).
api_key_expiries = Table(
    "api_key_expiries",
    metadata,
    Column("key_id", String(ID), ForeignKey("api_keys.id"), primary_key=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# When each key last authenticated: working state, written at most once a minute a key
# per process (so ``keys list`` can say which keys are idle), never a log record.
api_key_uses = Table(
    "api_key_uses",
    metadata,
    Column("key_id", String(ID), ForeignKey("api_keys.id"), primary_key=True),
    Column("last_used_at", UTCDateTime, nullable=False),
)

# Revision 0006: requests per API key per fixed window (EXPLAINER_RATE_LIMIT), shared by
# every worker; working state, old windows deleted as keys come back.
rate_windows = Table(
    "rate_windows",
    metadata,
    Column("key_id", String(ID), primary_key=True),
    Column("window_start", Integer, primary_key=True),  # epoch seconds
    Column("used", Integer, nullable=False),
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
