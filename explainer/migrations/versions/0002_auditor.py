"""Auditor console: users, sessions, login throttling, account events, review resolutions.

Also indexes the decision columns the console filters and sorts on.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from explainer.store.tables import (
    AUDIT_INDEX,
    UTCDateTime,
    auditor_drop_triggers_sql,
    auditor_trigger_sql,
)

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = 40
_DECISION_INDEXES = (
    "intent_confidence",
    "priority_confidence",
    "intent_model_version",
    "priority_model_version",
)


def _at(name: str = "created_at") -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        _at(),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(_ID), nullable=False),
        _at(),
        _at("last_seen"),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        _at(),
    )
    op.create_index("ix_login_attempts_who", "login_attempts", ["username", "ip", "created_at"])
    _records()
    for col in _DECISION_INDEXES:
        op.create_index(f"ix_decisions_{col}", "decisions", [col])
    # The console's search reads only these columns: one narrow pass, already in time order.
    op.create_index("ix_decisions_audit", "decisions", list(AUDIT_INDEX))
    for statement in auditor_trigger_sql(op.get_bind().dialect.name):
        op.execute(statement)


def _records() -> None:
    op.create_table(
        "account_events",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        _at(),
    )
    op.create_table(
        "review_resolutions",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("decision_id", sa.String(_ID), nullable=False),
        sa.Column("review_request_id", sa.String(_ID)),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("intent_before", sa.String(100)),
        sa.Column("intent_after", sa.String(100)),
        sa.Column("priority_before", sa.String(100)),
        sa.Column("priority_after", sa.String(100)),
        sa.Column("outcome", sa.Text(), nullable=False),
        _at(),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"]),
    )
    for col in ("decision_id", "review_request_id"):
        op.create_index(f"ix_review_resolutions_{col}", "review_resolutions", [col])


def downgrade() -> None:
    for statement in auditor_drop_triggers_sql(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_index("ix_decisions_audit", "decisions")
    for col in _DECISION_INDEXES:
        op.drop_index(f"ix_decisions_{col}", "decisions")
    for table in ("review_resolutions", "account_events", "login_attempts", "sessions", "users"):
        op.drop_table(table)  # their indexes go with them
