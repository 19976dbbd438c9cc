"""Model history: promotions and rollbacks as log records; shadow reports.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from explainer.store.tables import (
    MODEL_APPEND_ONLY,
    MODEL_FUNCTION,
    UTCDateTime,
    drop_triggers_sql,
    trigger_sql,
)

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name in MODEL_APPEND_ONLY:
        op.create_table(
            name,
            sa.Column("id", sa.String(40), primary_key=True),
            sa.Column("actor", sa.String(200), nullable=False),
            sa.Column("from_versions", sa.Text(), nullable=False),
            sa.Column("to_versions", sa.Text(), nullable=False),
            sa.Column("report_sha256", sa.String(64)),
            sa.Column("created_at", UTCDateTime(), nullable=False),
        )
        op.create_index(f"ix_{name}_created_at", name, ["created_at"])
    op.create_table(
        "shadow_reports",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
    )
    op.create_index("ix_shadow_reports_created_at", "shadow_reports", ["created_at"])
    for statement in trigger_sql(op.get_bind().dialect.name, MODEL_APPEND_ONLY, MODEL_FUNCTION):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_triggers_sql(
        op.get_bind().dialect.name, MODEL_APPEND_ONLY, MODEL_FUNCTION
    ):
        op.execute(statement)
    op.drop_index("ix_shadow_reports_created_at", "shadow_reports")
    op.drop_table("shadow_reports")
    for name in MODEL_APPEND_ONLY:
        op.drop_index(f"ix_{name}_created_at", name)
        op.drop_table(name)
