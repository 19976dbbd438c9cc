"""What operators and support leads were missing: key expiry and last use, link
reissues, the console's look-up by the helpdesk's ticket id, and a rate limit per key.

Revision ID: 0006
Revises: 0005

``payloads.ticket_hash`` is SHA-256 of the ticket id, filled here for stored decisions;
it sits in the erasable payload row, so erasing a customer takes it too.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

from explainer.store.tables import (
    OPERATOR_APPEND_ONLY,
    OPERATOR_FUNCTION,
    UTCDateTime,
    drop_triggers_sql,
    trigger_sql,
)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "api_key_expiries",
        sa.Column("key_id", sa.String(40), sa.ForeignKey("api_keys.id"), primary_key=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "api_key_uses",
        sa.Column("key_id", sa.String(40), sa.ForeignKey("api_keys.id"), primary_key=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "rate_windows",
        sa.Column("key_id", sa.String(40), primary_key=True),
        sa.Column("window_start", sa.Integer(), primary_key=True),
        sa.Column("used", sa.Integer(), nullable=False),
    )
    op.create_table(
        "link_reissues",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("decision_id", sa.String(40), sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_link_reissues_decision_id", "link_reissues", ["decision_id"])
    with op.batch_alter_table("payloads") as batch:
        batch.add_column(sa.Column("ticket_hash", sa.String(64), nullable=True))
    op.create_index("ix_payloads_ticket_hash", "payloads", ["ticket_hash"])
    _fill_ticket_hashes()
    for statement in trigger_sql(
        op.get_bind().dialect.name, OPERATOR_APPEND_ONLY, OPERATOR_FUNCTION
    ):
        op.execute(statement)


def _fill_ticket_hashes() -> None:
    conn = op.get_bind()
    payloads = sa.table(
        "payloads",
        sa.column("kind", sa.String),
        sa.column("ref_id", sa.String),
        sa.column("data", sa.Text),
        sa.column("ticket_hash", sa.String),
    )
    query = (
        sa.select(payloads.c.ref_id, payloads.c.data)
        .where(payloads.c.kind == "decision", payloads.c.ticket_hash.is_(None))
        .order_by(payloads.c.ref_id)
    )
    after = ""
    while True:
        rows = conn.execute(query.where(payloads.c.ref_id > after).limit(_BATCH)).all()
        if not rows:
            return
        for ref_id, data in rows:
            ticket_id = _ticket_id(json.loads(data))
            if ticket_id is not None:
                conn.execute(
                    sa.update(payloads)
                    .where(payloads.c.kind == "decision", payloads.c.ref_id == ref_id)
                    .values(ticket_hash=hashlib.sha256(ticket_id.encode("utf-8")).hexdigest())
                )
        after = rows[-1][0]


def _ticket_id(payload: list[list[object]]) -> str | None:
    for path, value in payload:
        if path == ["ticket", "ticket_id"] and isinstance(value, str):
            return value
    return None


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in drop_triggers_sql(dialect, OPERATOR_APPEND_ONLY, OPERATOR_FUNCTION):
        op.execute(statement)
    op.drop_index("ix_payloads_ticket_hash", "payloads")
    with op.batch_alter_table("payloads") as batch:
        batch.drop_column("ticket_hash")
    op.drop_index("ix_link_reissues_decision_id", "link_reissues")
    op.drop_table("link_reissues")
    op.drop_table("rate_windows")
    op.drop_table("api_key_uses")
    op.drop_table("api_key_expiries")
