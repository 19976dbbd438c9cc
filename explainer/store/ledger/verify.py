"""Re-check the whole log from the stored rows: leaves, commitments, checkpoints."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, select

from explainer.store.ledger import merkle
from explainer.store.ledger.log import (
    NO_COMMITMENT,
    Frontier,
    Signer,
    commitment,
    leaf_data,
    public_part,
)
from explainer.store.tables import RECORDS, checkpoints, erasures, log_leaves, payloads

__all__ = ["VerifyResult", "verify"]


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of ``Store.verify_log``; ``first_bad`` names a record as "kind id"."""

    ok: bool
    tree_size: int
    first_bad: str | None
    message: str


class _Bad(Exception):
    def __init__(self, where: str, why: str) -> None:
        super().__init__(f"{where}: {why}")
        self.where, self.why = where, why


def verify(conn: Connection, signer: Signer) -> VerifyResult:
    """Recompute every leaf and every checkpointed root; stop at the first problem."""
    leaves = list(conn.execute(select(log_leaves).order_by(log_leaves.c.idx)).mappings())
    heads = _heads(conn, signer)
    try:
        roots = _check_leaves(conn, leaves, {h["tree_size"] for h in heads})
        _check_heads(heads, roots, len(leaves), signer)
    except _Bad as bad:
        return VerifyResult(False, len(leaves), bad.where, str(bad))
    message = f"log verified: {len(leaves)} records, {len(heads)} signed checkpoints"
    return VerifyResult(True, len(leaves), None, message)


def _heads(conn: Connection, signer: Signer) -> list[dict[str, Any]]:
    stored = [
        dict(r) for r in conn.execute(select(checkpoints).order_by(checkpoints.c.id)).mappings()
    ]
    for head in stored:
        head["source"] = "database"
    return stored + [{**h, "source": "checkpoint file"} for h in signer.read()]


def _check_leaves(conn: Connection, leaves: list[RowMapping], sizes: set[int]) -> dict[int, bytes]:
    records = {kind: _rows(conn, kind) for kind in RECORDS}
    held = {(r["kind"], r["ref_id"]): r for r in conn.execute(select(payloads)).mappings()}
    erased = _erased(conn)
    frontier, roots = Frontier(), {0: merkle.root([])} if 0 in sizes else {}
    for expected, leaf in enumerate(leaves):
        where = f"{leaf['kind']} {leaf['ref_id']}"
        if leaf["idx"] != expected:
            raise _Bad(f"log leaf {expected}", "missing (the log has a gap or was reordered)")
        row = records.get(leaf["kind"], {}).pop(leaf["ref_id"], None)
        if row is None:
            raise _Bad(where, "record missing (it is in the log but not in its table)")
        commit = _commitment(leaf, held.pop((leaf["kind"], leaf["ref_id"]), None), erased, where)
        data = leaf_data(leaf["idx"], leaf["kind"], leaf["ref_id"], public_part(row), commit)
        if not hmac.compare_digest(merkle.leaf_hash(data).hex(), leaf["leaf_hash"]):
            raise _Bad(where, "record does not match its log leaf (edited)")
        frontier.append(bytes.fromhex(leaf["leaf_hash"]))
        if frontier.size in sizes:
            roots[frontier.size] = frontier.root()
    _no_leftovers(records, held)
    return roots


def _rows(conn: Connection, kind: str) -> dict[str, RowMapping]:
    table, key = RECORDS[kind]
    return {r[key]: r for r in conn.execute(select(table)).mappings()}


def _erased(conn: Connection) -> set[str]:
    refs: set[str] = set()
    for raw in conn.execute(select(erasures.c.refs)).scalars():
        refs.update(json.loads(raw))
    return refs


def _commitment(leaf: RowMapping, payload: RowMapping | None, erased: set[str], where: str) -> str:
    stored = str(leaf["commitment"])
    if payload is None:
        if stored != NO_COMMITMENT and f"{leaf['kind']}:{leaf['ref_id']}" not in erased:
            raise _Bad(where, "personal payload deleted without an erasure record")
        return stored
    if stored == NO_COMMITMENT or not hmac.compare_digest(
        commitment(payload["salt"], payload), stored
    ):
        raise _Bad(where, "personal payload does not match its commitment (edited)")
    return stored


def _no_leftovers(records: dict[str, dict[str, RowMapping]], held: dict[Any, Any]) -> None:
    for kind, rows in records.items():
        for ref_id in sorted(rows):
            raise _Bad(f"{kind} {ref_id}", "record is not in the log (inserted)")
    for kind, ref_id in sorted(held):
        raise _Bad(f"{kind} {ref_id}", "personal payload has no log leaf (inserted)")


def _check_heads(
    heads: list[dict[str, Any]], roots: dict[int, bytes], size: int, signer: Signer
) -> None:
    for head in heads:
        where = f"checkpoint at tree size {head.get('tree_size')} ({head['source']})"
        if not signer.valid(head):
            raise _Bad(where, "bad signature")
        if head["tree_size"] > size:
            raise _Bad(where, f"log truncated: the log now holds only {size} records")
        if not hmac.compare_digest(roots[head["tree_size"]].hex(), str(head["root"])):
            raise _Bad(where, "root does not match the log (records edited, moved or removed)")
