"""Working state for the readiness probe: one row, rewritten by every ``/readyz``."""

from __future__ import annotations

from sqlalchemy import Column, Integer, Table

from explainer.store.tables.base import UTCDateTime, metadata

__all__ = ["readiness"]

readiness = Table(
    "readiness",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("checked_at", UTCDateTime, nullable=False),
)
