"""Which model versions serve, and why: promotions and rollbacks (log records), and the
shadow reports that justified them (data, not records)."""

from __future__ import annotations

from sqlalchemy import Column, String, Table, Text

from explainer.store.tables.base import ID, UTCDateTime, metadata

__all__ = ["model_promotions", "model_rollbacks", "shadow_reports"]


def _change(name: str) -> Table:
    # Versions are JSON objects {model name: version}; ``report_sha256`` names the shadow
    # report a promotion passed (a rollback names none).
    return Table(
        name,
        metadata,
        Column("id", String(ID), primary_key=True),
        Column("actor", String(200), nullable=False),
        Column("from_versions", Text, nullable=False),
        Column("to_versions", Text, nullable=False),
        Column("report_sha256", String(64)),
        Column("created_at", UTCDateTime, nullable=False, index=True),
    )


model_promotions = _change("model_promotions")
model_rollbacks = _change("model_rollbacks")

shadow_reports = Table(
    "shadow_reports",
    metadata,
    Column("sha256", String(64), primary_key=True),  # of the report's bytes as written
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("report", Text, nullable=False),
)
