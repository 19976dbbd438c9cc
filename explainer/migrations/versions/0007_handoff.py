"""Every decision says whether a person must act: ``decisions.handoff_required`` and
``decisions.handoff_reasons`` (the triage queue and the console filter read them).

Revision ID: 0007
Revises: 0006

Decisions stored before this revision had no hand-off rule beyond the review queue's
confidence cut, so they read as not requiring a person.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy), so the append-only triggers stay in place.
    op.add_column(
        "decisions",
        sa.Column("handoff_required", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("decisions", sa.Column("handoff_reasons", sa.String(100)))
    op.create_index("ix_decisions_handoff_required", "decisions", ["handoff_required"])


def downgrade() -> None:
    op.drop_index("ix_decisions_handoff_required", "decisions")
    with op.batch_alter_table("decisions", recreate="never") as batch:
        batch.drop_column("handoff_reasons")
        batch.drop_column("handoff_required")
