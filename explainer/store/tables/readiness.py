"""Working state, not records: the readiness probe's row, and when maintenance last ran."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table

from explainer.store.tables.base import UTCDateTime, metadata

__all__ = ["maintenance", "readiness"]

readiness = Table(
    "readiness",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("checked_at", UTCDateTime, nullable=False),
)

# One row per task (revision 0005): the write lock around "due? run, mark" means one
# process runs each task per interval, however many workers ask.
maintenance = Table(
    "maintenance",
    metadata,
    Column("task", String(40), primary_key=True),
    Column("last_run_at", UTCDateTime, nullable=False),
)
