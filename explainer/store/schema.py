"""Tables of the store (SQLAlchemy Core), shared by SQLite and PostgreSQL.

The initial Alembic revision creates exactly these tables plus the triggers that
make the record tables append-only (``APPEND_ONLY``); ``payloads`` (erasable
personal data with its per-record salt) and ``idempotency_keys`` stay mutable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

__all__ = [
    "APPEND_ONLY",
    "RECORD_TABLES",
    "UTCDateTime",
    "api_key_revocations",
    "api_keys",
    "checkpoints",
    "decisions",
    "drop_triggers_sql",
    "erasures",
    "feedback",
    "idempotency_keys",
    "link_revocations",
    "log_leaves",
    "metadata",
    "payloads",
    "review_requests",
    "trigger_sql",
]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python; naive UTC text on SQLite, timestamptz on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        # SQLite stores text; a naive UTC value keeps comparisons lexicographic.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()
ID = 40  # "dec_" + 26 characters, with room to spare

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
)

review_requests = Table(
    "review_requests",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("helpful", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

link_revocations = Table(
    "link_revocations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
)

erasures = Table(
    "erasures",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("reason", String(20), nullable=False),  # "customer" or "retention"
    Column("refs", Text, nullable=False),  # JSON list of "kind:id" whose payload went
    Column("created_at", UTCDateTime, nullable=False),
)

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

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(ID), primary_key=True),  # the API key id ("" without one)
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(200), nullable=False),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
)

log_leaves = Table(
    "log_leaves",
    metadata,
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(40), nullable=False),
    Column("ref_id", String(ID), nullable=False),
    Column("commitment", String(64), nullable=False),
    Column("leaf_hash", String(64), nullable=False),
    UniqueConstraint("kind", "ref_id", name="uq_log_leaves_ref"),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tree_size", Integer, nullable=False),
    Column("root", String(64), nullable=False),
    Column("timestamp", String(40), nullable=False),
    Column("signature", String(64), nullable=False),
)

# Record kind -> its table and primary-key column: every row is one log leaf.
# (Revision 0001's kinds; ``explainer.store.records.RECORDS`` adds the console's.)
RECORD_TABLES: dict[str, tuple[Table, str]] = {
    "decision": (decisions, "id"),
    "review_request": (review_requests, "id"),
    "feedback": (feedback, "id"),
    "link_revocation": (link_revocations, "id"),
    "erasure": (erasures, "id"),
    "api_key": (api_keys, "id"),
    "api_key_revocation": (api_key_revocations, "key_id"),
}
APPEND_ONLY = [t.name for t, _ in RECORD_TABLES.values()] + ["log_leaves", "checkpoints"]

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def trigger_sql(
    dialect: str, tables: Sequence[str] = APPEND_ONLY, function: str = "explainer_append_only"
) -> list[str]:
    """Statements that refuse UPDATE and DELETE on ``tables`` (every append-only one)."""
    if dialect == "postgresql":
        return [_PG_FUNCTION.format(function=function)] + [
            f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            for t in tables
        ]
    return [
        f"CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {t} "
        f"BEGIN SELECT RAISE(ABORT, '{t} is append-only: {op} refused'); END"
        for t in tables
        for op in ("UPDATE", "DELETE")
    ]


def drop_triggers_sql(
    dialect: str, tables: Sequence[str] = APPEND_ONLY, function: str = "explainer_append_only"
) -> list[str]:
    """The reverse of ``trigger_sql`` (for downgrades, and for tamper tests)."""
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in tables] + [
            f"DROP FUNCTION IF EXISTS {function}()"
        ]
    return [
        f"DROP TRIGGER IF EXISTS {t}_no_{op.lower()}" for t in tables for op in ("UPDATE", "DELETE")
    ]
