"""Initial schema: decisions, payloads, people's records, keys, the log and its triggers.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from explainer.store.tables import UTCDateTime, drop_triggers_sql, trigger_sql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = 40


def _id(name: str = "id", **kw: object) -> sa.Column[str]:
    return sa.Column(name, sa.String(_ID), **kw)  # type: ignore[arg-type]


def _at(name: str = "created_at") -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(), nullable=False)


def _decision_ref() -> sa.Column[str]:
    return _id("decision_id", nullable=False)


def _fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"])


def upgrade() -> None:
    op.create_table(
        "decisions",
        _id(primary_key=True),
        _at(),
        sa.Column("intent", sa.String(100)),
        sa.Column("priority", sa.String(100)),
        sa.Column("intent_confidence", sa.Float()),
        sa.Column("priority_confidence", sa.Float()),
        sa.Column("channel", sa.String(40)),
        sa.Column("plan", sa.String(40)),
        sa.Column("language", sa.String(40)),
        sa.Column("region", sa.String(200)),
        sa.Column("intent_model_version", sa.String(100)),
        sa.Column("priority_model_version", sa.String(100)),
        sa.Column("template_version", sa.String(100)),
        _id("api_key_id"),
        sa.Column("document", sa.Text(), nullable=False),
    )
    for col in ("created_at", "intent", "priority", "channel", "plan", "language", "region"):
        op.create_index(f"ix_decisions_{col}", "decisions", [col])
    op.create_table(
        "payloads",
        sa.Column("kind", sa.String(40), primary_key=True),
        _id("ref_id", primary_key=True),
        sa.Column("customer_id", sa.String(200)),
        _at(),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_index("ix_payloads_customer_id", "payloads", ["customer_id"])
    op.create_index("ix_payloads_created_at", "payloads", ["created_at"])
    _people()
    _keys_and_log()
    for statement in trigger_sql(op.get_bind().dialect.name):
        op.execute(statement)


def _people() -> None:
    op.create_table(
        "review_requests",
        _id(primary_key=True),
        _decision_ref(),
        sa.Column("status", sa.String(20), nullable=False),
        _at(),
        _fk(),
    )
    op.create_index("ix_review_requests_decision_id", "review_requests", ["decision_id"])
    op.create_index("ix_review_requests_created_at", "review_requests", ["created_at"])
    op.create_table(
        "feedback",
        _id(primary_key=True),
        _decision_ref(),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        _at(),
        _fk(),
    )
    op.create_index("ix_feedback_decision_id", "feedback", ["decision_id"])
    op.create_table("link_revocations", _id(primary_key=True), _decision_ref(), _at(), _fk())
    op.create_index("ix_link_revocations_decision_id", "link_revocations", ["decision_id"])
    op.create_table(
        "erasures",
        _id(primary_key=True),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("refs", sa.Text(), nullable=False),
        _at(),
    )


def _keys_and_log() -> None:
    op.create_table(
        "api_keys",
        _id(primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        _at(),
    )
    op.create_table(
        "api_key_revocations",
        _id("key_id", primary_key=True),
        _at(),
        sa.ForeignKeyConstraint(["key_id"], ["api_keys.id"]),
    )
    op.create_table(
        "idempotency_keys",
        _id("scope", primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(200), nullable=False),
        _decision_ref(),
        _at(),
        _fk(),
    )
    op.create_index("ix_idempotency_keys_decision_id", "idempotency_keys", ["decision_id"])
    op.create_table(
        "log_leaves",
        sa.Column("idx", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(40), nullable=False),
        _id("ref_id", nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("leaf_hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("kind", "ref_id", name="uq_log_leaves_ref"),
    )
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(64), nullable=False),
        sa.Column("timestamp", sa.String(40), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    for statement in drop_triggers_sql(op.get_bind().dialect.name):
        op.execute(statement)
    for table in (
        "checkpoints",
        "log_leaves",
        "idempotency_keys",
        "api_key_revocations",
        "api_keys",
        "erasures",
        "link_revocations",
        "feedback",
        "review_requests",
        "payloads",
        "decisions",
    ):
        op.drop_table(table)
