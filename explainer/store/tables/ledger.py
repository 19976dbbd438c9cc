"""The tamper-evident log's own tables: its identity, one leaf per record, signed heads.

``checkpoints`` holds the previous release's HMAC-signed heads (read, never written);
``tree_heads`` holds the Ed25519-signed notes that replaced them.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from explainer.store.tables.base import ID, UTCDateTime, metadata

__all__ = ["LEDGER_APPEND_ONLY", "checkpoints", "log_info", "log_leaves", "tree_heads"]


log_leaves = Table(
    "log_leaves",
    metadata,
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(40), nullable=False),
    Column("ref_id", String(ID), nullable=False),
    Column("commitment", String(64), nullable=False),
    Column("leaf_hash", String(64), nullable=False),
    UniqueConstraint("kind", "ref_id", name="uq_log_leaves_ref"),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tree_size", Integer, nullable=False),
    Column("root", String(64), nullable=False),
    Column("timestamp", String(40), nullable=False),
    Column("signature", String(64), nullable=False),
)

# One row: the log's id, the origin every head and receipt names (made by revision 0004).
log_info = Table(
    "log_info",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("log_id", String(120), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

tree_heads = Table(
    "tree_heads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tree_size", Integer, nullable=False),
    Column("root", String(64), nullable=False),
    Column("timestamp", String(40), nullable=False),
    Column("note", Text(), nullable=False),
)

LEDGER_APPEND_ONLY = ["log_info", "tree_heads"]
