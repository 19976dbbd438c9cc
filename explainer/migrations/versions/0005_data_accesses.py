"""Who opened a decision's personal data in the console (a log record per opening), and
when maintenance (the retention purge) last ran.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from explainer.store.tables import (
    ACCESS_APPEND_ONLY,
    ACCESS_FUNCTION,
    UTCDateTime,
    drop_triggers_sql,
    trigger_sql,
)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_accesses",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("decision_id", sa.String(40), sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("viewer", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_data_accesses_decision_id", "data_accesses", ["decision_id"])
    op.create_table(
        "maintenance",
        sa.Column("task", sa.String(40), primary_key=True),
        sa.Column("last_run_at", UTCDateTime(), nullable=False),
    )
    for statement in trigger_sql(op.get_bind().dialect.name, ACCESS_APPEND_ONLY, ACCESS_FUNCTION):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in drop_triggers_sql(dialect, ACCESS_APPEND_ONLY, ACCESS_FUNCTION):
        op.execute(statement)
    op.drop_table("maintenance")
    op.drop_index("ix_data_accesses_decision_id", "data_accesses")
    op.drop_table("data_accesses")
