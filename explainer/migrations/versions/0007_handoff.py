"""Every decision says whether a person must act: ``decision_handoffs`` indexes the
ones that must (the triage queue and the console filter read it).

Revision ID: 0007
Revises: 0006

Its rows are derived from the logged decision documents (their ``handoff`` block), so
the table is not a log record; adding columns to ``decisions`` instead would change the
leaves of records already logged. Decisions stored before this revision had no hand-off
rule beyond the review queue's confidence cut, so none is indexed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from explainer.store.tables import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision_handoffs",
        sa.Column("decision_id", sa.String(40), sa.ForeignKey("decisions.id"), primary_key=True),
        sa.Column("reasons", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_decision_handoffs_created_at", "decision_handoffs", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_decision_handoffs_created_at", "decision_handoffs")
    op.drop_table("decision_handoffs")
