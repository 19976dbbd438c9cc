"""The store's tables (SQLAlchemy Core), by topic, shared by SQLite and PostgreSQL."""

from explainer.store.tables.access import (
    account_events,
    api_key_revocations,
    api_keys,
    login_attempts,
    sessions,
    users,
)
from explainer.store.tables.base import ID, UTCDateTime, metadata
from explainer.store.tables.decisions import (
    AUDIT_INDEX,
    decisions,
    erasures,
    idempotency_keys,
    payloads,
)
from explainer.store.tables.ledger import (
    LEDGER_APPEND_ONLY,
    checkpoints,
    log_info,
    log_leaves,
    tree_heads,
)
from explainer.store.tables.people import (
    data_accesses,
    feedback,
    link_revocations,
    review_requests,
    review_resolutions,
)
from explainer.store.tables.readiness import maintenance, readiness
from explainer.store.tables.records import (
    ACCESS_APPEND_ONLY,
    ACCESS_FUNCTION,
    APPEND_ONLY,
    AUDITOR_APPEND_ONLY,
    AUDITOR_RECORDS,
    RECORD_TABLES,
    RECORDS,
    auditor_drop_triggers_sql,
    auditor_trigger_sql,
    drop_triggers_sql,
    trigger_sql,
)

__all__ = [
    "ACCESS_APPEND_ONLY",
    "ACCESS_FUNCTION",
    "APPEND_ONLY",
    "AUDITOR_APPEND_ONLY",
    "AUDITOR_RECORDS",
    "AUDIT_INDEX",
    "ID",
    "LEDGER_APPEND_ONLY",
    "RECORDS",
    "RECORD_TABLES",
    "UTCDateTime",
    "account_events",
    "api_key_revocations",
    "api_keys",
    "auditor_drop_triggers_sql",
    "auditor_trigger_sql",
    "checkpoints",
    "data_accesses",
    "decisions",
    "drop_triggers_sql",
    "erasures",
    "feedback",
    "idempotency_keys",
    "link_revocations",
    "log_info",
    "log_leaves",
    "login_attempts",
    "maintenance",
    "metadata",
    "payloads",
    "readiness",
    "review_requests",
    "review_resolutions",
    "sessions",
    "tree_heads",
    "trigger_sql",
    "users",
]
