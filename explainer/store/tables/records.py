"""Every kind of log record with its table, and the triggers that make them append-only.

Revision 0001 made the first kinds append-only with one trigger function; revision
0002 added the console's kinds with a function of their own, so either set can be
dropped and re-made alone."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table

from explainer.store.tables.access import (
    account_events,
    api_key_expiries,
    api_key_revocations,
    api_keys,
)
from explainer.store.tables.decisions import decisions, erasures
from explainer.store.tables.models import model_promotions, model_rollbacks
from explainer.store.tables.people import (
    data_accesses,
    feedback,
    link_reissues,
    link_revocations,
    review_requests,
    review_resolutions,
)

__all__ = [
    "ACCESS_APPEND_ONLY",
    "ACCESS_FUNCTION",
    "ACCESS_RECORDS",
    "APPEND_ONLY",
    "AUDITOR_APPEND_ONLY",
    "AUDITOR_RECORDS",
    "MODEL_APPEND_ONLY",
    "MODEL_FUNCTION",
    "MODEL_RECORDS",
    "OPERATOR_APPEND_ONLY",
    "OPERATOR_FUNCTION",
    "OPERATOR_RECORDS",
    "RECORDS",
    "RECORD_TABLES",
    "auditor_drop_triggers_sql",
    "auditor_trigger_sql",
    "drop_triggers_sql",
    "trigger_sql",
]


# Record kind -> its table and primary-key column: every row is one log leaf.
# (Revision 0001's kinds; ``RECORDS`` below adds the console's.)
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


# Revision 0005: who opened a decision's personal data, with its own trigger function.
ACCESS_RECORDS: dict[str, tuple[Table, str]] = {"data_access": (data_accesses, "id")}
ACCESS_APPEND_ONLY = [t.name for t, _ in ACCESS_RECORDS.values()]
ACCESS_FUNCTION = "explainer_access_append_only"

# Revision 0006: an operator's key expiries and link reissues, with their own function.
OPERATOR_RECORDS: dict[str, tuple[Table, str]] = {
    "api_key_expiry": (api_key_expiries, "key_id"),
    "link_reissue": (link_reissues, "id"),
}
OPERATOR_APPEND_ONLY = [t.name for t, _ in OPERATOR_RECORDS.values()]
OPERATOR_FUNCTION = "explainer_operator_append_only"

# Revision 0009: which model versions serve (promotions and rollbacks), own function.
MODEL_RECORDS: dict[str, tuple[Table, str]] = {
    "model_promoted": (model_promotions, "id"),
    "model_rolled_back": (model_rollbacks, "id"),
}
MODEL_APPEND_ONLY = [t.name for t, _ in MODEL_RECORDS.values()]
MODEL_FUNCTION = "explainer_model_append_only"

# Record kind -> its table and primary-key column: every row is one log leaf.
RECORDS: dict[str, tuple[Table, str]] = {
    **RECORD_TABLES,
    **AUDITOR_RECORDS,
    **ACCESS_RECORDS,
    **OPERATOR_RECORDS,
    **MODEL_RECORDS,
}
