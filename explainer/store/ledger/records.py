"""Every kind of log record and its table: revision 0001's and the auditor console's."""

from __future__ import annotations

from sqlalchemy import Table

from explainer.store.auditor_schema import AUDITOR_RECORDS
from explainer.store.schema import RECORD_TABLES

__all__ = ["RECORDS"]

# Record kind -> its table and primary-key column: every row is one log leaf.
RECORDS: dict[str, tuple[Table, str]] = {**RECORD_TABLES, **AUDITOR_RECORDS}
