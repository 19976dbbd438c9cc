"""Migrations build the tables the code uses, and the triggers refuse rewrites."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from explainer.store import Store
from explainer.store.engine import make_engine, migrate
from explainer.store.tables import (
    RECORD_TABLES,
    decisions,
    log_info,
    log_leaves,
    metadata,
    tree_heads,
)


def test_initial_revision_matches_the_code(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine, "0001")
        migrate(engine, "0001")  # a second run is a no-op
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert [d for d in diff if _ours(d)] == []


_OURS = {t.name for t, _ in RECORD_TABLES.values()} | {
    "payloads",
    "idempotency_keys",
    "log_leaves",
    "checkpoints",
}


# What later revisions added to revision 0001's tables.
_LATER = {
    "ticket_hash",
    "ix_payloads_ticket_hash",
}


def test_every_revision_together_matches_the_code(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine, "head")
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    # The console's search indexes exist only in revision 0002 (the code never builds them).
    extra = {d[1].name for d in diff if isinstance(d, tuple) and d[0] == "remove_index"}
    rest = [d for d in diff if not (isinstance(d, tuple) and d[0] == "remove_index")]
    assert rest == []
    assert extra <= {"ix_decisions_audit"} | {f"ix_decisions_{c}" for c in _REVISION_2}


_REVISION_2 = (
    "intent_confidence",
    "priority_confidence",
    "intent_model_version",
    "priority_model_version",
)


def _ours(diff: Any) -> bool:
    """Differences in this revision's tables (later revisions add their own)."""
    if isinstance(diff, list):  # column modifications come grouped
        return any(_ours(d) for d in diff)
    kind, obj = diff[0], diff[1] if len(diff) > 1 else None
    if getattr(obj, "name", None) in _LATER or (len(diff) > 3 and diff[3].name in _LATER):
        return False
    if kind in ("add_table", "remove_table"):
        return obj.name in _OURS
    table = diff[2] if kind.startswith("modify_") else getattr(obj, "table", None)
    return getattr(table, "name", table) in _OURS


def test_append_only_tables_refuse_update_and_delete(store: Store, decider: Any) -> None:
    saved, _ = store.save_decision(decider.decide(_ticket()))
    store.checkpoint()
    for statement in (
        update(decisions).values(intent="x"),
        delete(decisions),
        update(log_leaves).values(leaf_hash="0" * 64),
        delete(log_leaves),
        update(tree_heads).values(tree_size=0),
        delete(tree_heads),
        update(log_info).values(log_id="another"),
        delete(log_info),
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(statement)
    assert store.get_decision(str(saved.id)) == saved.model_copy(update={"receipt": None})


def test_sqlite_pragmas(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _ticket() -> Any:
    from explainer.schemas import TicketIn

    return TicketIn(subject="Refund please", body="I was charged twice this month.")
