"""What an attacker with database access does, shared by the tamper and attack tests."""

from __future__ import annotations

from sqlalchemy import Connection, select, text, update

from explainer.store.ledger.log import leaf_data, public_part
from explainer.store.tables import RECORDS, log_leaves
from explainer.tlog import merkle

_FUNCTIONS = (
    "explainer_append_only",
    "explainer_auditor_append_only",
    "explainer_ledger_append_only",
    "explainer_access_append_only",
)


def drop_every_trigger(conn: Connection) -> None:
    """Make every append-only table writable again (the attacker's first step)."""
    if conn.dialect.name == "postgresql":
        for function in _FUNCTIONS:
            conn.execute(text(f"DROP FUNCTION IF EXISTS {function}() CASCADE"))
        return
    query = text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    for name in list(conn.execute(query).scalars()):
        conn.execute(text(f"DROP TRIGGER {name}"))


def rehash_leaves(conn: Connection) -> list[bytes]:
    """Recompute every leaf hash from the rows, as anyone can without a key."""
    hashes = []
    for leaf in conn.execute(select(log_leaves).order_by(log_leaves.c.idx)).mappings().all():
        table, key = RECORDS[leaf["kind"]]
        row = conn.execute(select(table).where(table.c[key] == leaf["ref_id"])).mappings().one()
        public = public_part(row)
        data = leaf_data(leaf["idx"], leaf["kind"], leaf["ref_id"], public, leaf["commitment"])
        digest = merkle.leaf_hash(data)
        where = log_leaves.c.idx == leaf["idx"]
        conn.execute(update(log_leaves).where(where).values(leaf_hash=digest.hex()))
        hashes.append(digest)
    return hashes
