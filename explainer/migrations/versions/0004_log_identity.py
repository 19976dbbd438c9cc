"""The log's identity and Ed25519-signed tree heads (receipts and witnesses).

Revision ID: 0004
Revises: 0003

``log_info`` holds the one log id every signed head and receipt names, made here at
random so that two databases never share one. ``tree_heads`` holds signed notes; the
previous release's HMAC ``checkpoints`` stay as they were. Both new tables are
append-only under a trigger function of their own.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from explainer.store.tables import LEDGER_APPEND_ONLY, UTCDateTime, drop_triggers_sql, trigger_sql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_FUNCTION = "explainer_ledger_append_only"


def upgrade() -> None:
    info = op.create_table(
        "log_info",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("log_id", sa.String(120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "tree_heads",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(64), nullable=False),
        sa.Column("timestamp", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    log_id = f"explainer.log/{uuid.uuid4().hex}"
    op.bulk_insert(info, [{"id": 1, "log_id": log_id, "created_at": datetime.now(UTC)}])
    for statement in trigger_sql(op.get_bind().dialect.name, LEDGER_APPEND_ONLY, _FUNCTION):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_triggers_sql(op.get_bind().dialect.name, LEDGER_APPEND_ONLY, _FUNCTION):
        op.execute(statement)
    op.drop_table("tree_heads")
    op.drop_table("log_info")
