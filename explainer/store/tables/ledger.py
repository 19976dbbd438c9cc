"""The tamper-evident log's own tables: one leaf per record, and signed checkpoints."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from explainer.store.tables.base import ID, metadata

__all__ = ["checkpoints", "log_leaves"]


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
