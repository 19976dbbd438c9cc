"""Re-check the whole log: leaves, commitments, signed heads, and what outsiders hold.

What the database alone can show (every record recomputed against its leaf, every
head's signature and root) is checked first and stops at the first problem, as a
rewritten table makes the rest meaningless. Receipts and witnessed heads, which live
outside the data, are then each checked on their own so that every failing one is named.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, RowMapping, select

from explainer.store.ledger.log import (
    NO_COMMITMENT,
    Frontier,
    commitment,
    leaf_data,
    public_part,
)
from explainer.store.ledger.signer import Signer
from explainer.store.tables import (
    RECORDS,
    checkpoints,
    erasures,
    log_leaves,
    payloads,
    tree_heads,
)
from explainer.tlog import merkle, notes

__all__ = ["VerifyResult", "verify"]


@dataclass(frozen=True)
class VerifyResult:
    """The outcome; ``first_bad`` names a record as "kind id", ``problems`` every finding."""

    ok: bool
    tree_size: int
    first_bad: str | None
    message: str
    problems: list[str] = field(default_factory=list)


class _Bad(Exception):
    def __init__(self, where: str, why: str) -> None:
        super().__init__(f"{where}: {why}")
        self.where, self.why = where, why


def verify(
    conn: Connection,
    signer: Signer,
    log_id: str,
    receipts: list[tuple[str, Any]],
    witnessed: list[tuple[str, Any]],
) -> VerifyResult:
    """Recompute every leaf and head; check each receipt and witnessed head."""
    leaves = list(conn.execute(select(log_leaves).order_by(log_leaves.c.idx)).mappings())
    found: list[_Bad] = []
    heads = _heads(conn, signer, log_id)
    roots = _Roots(leaves)
    try:
        _check_leaves(conn, leaves)
        _check_heads(heads, roots, signer, log_id)
    except _Bad as bad:
        found.append(bad)
    for label, entry in witnessed:
        found.extend(_witness_problems(label, entry, roots, signer, log_id))
    for label, item in receipts:
        found.extend(_receipt_problems(label, item, leaves, signer, log_id))
    if found:
        lines = [str(b) for b in found]
        return VerifyResult(False, len(leaves), found[0].where, "\n".join(lines), lines)
    extra = [f"{len(receipts)} receipts"] if receipts else []
    extra += [f"{len(witnessed)} witnessed heads"] if witnessed else []
    checked = ", ".join([f"{len(heads)} signed heads", *extra])
    message = f"log verified: {len(leaves)} records, {checked} (log id {log_id})"
    return VerifyResult(True, len(leaves), None, message)


def _heads(conn: Connection, signer: Signer, log_id: str) -> list[dict[str, Any]]:
    stored = conn.execute(select(tree_heads.c.note).order_by(tree_heads.c.id)).scalars()
    heads = [{"note": note, "source": "database"} for note in stored]
    heads += [{"note": n, "source": "head file"} for n in signer.read(log_id)]
    legacy = conn.execute(select(checkpoints).order_by(checkpoints.c.id)).mappings()
    heads += [{**dict(h), "source": "previous release"} for h in legacy]
    return heads


def _check_leaves(conn: Connection, leaves: list[RowMapping]) -> None:
    records = {kind: _rows(conn, kind) for kind in RECORDS}
    held = {(r["kind"], r["ref_id"]): r for r in conn.execute(select(payloads)).mappings()}
    erased = _erased(conn)
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
    _no_leftovers(records, held)


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


class _Roots:
    """Roots of prefixes of the stored leaves: one growing tree, so asking in increasing
    order (as heads are stored) costs one pass over the log."""

    def __init__(self, leaves: list[RowMapping]) -> None:
        self.leaves = leaves
        self._tree = Frontier()
        self._cache: dict[int, bytes] = {}

    def __call__(self, size: int) -> bytes:
        if size not in self._cache:
            if size < self._tree.size:
                self._tree.reset()
            for leaf in self.leaves[self._tree.size : size]:
                self._tree.append(bytes.fromhex(leaf["leaf_hash"]))
            self._cache[size] = self._tree.root()
        return self._cache[size]


def _check_heads(heads: list[dict[str, Any]], roots: _Roots, signer: Signer, log_id: str) -> None:
    leaves = roots.leaves
    for head in heads:
        if head["source"] == "previous release":
            size, root = _legacy(head, signer)
        else:
            opened = notes.open_head(head["note"], log_id, signer.public_keys)
            if opened is None:
                raise _Bad(f"signed head ({head['source']})", "bad signature or another log's head")
            size, root = opened.tree_size, opened.root
        if size is None:
            continue
        where = f"signed head at tree size {size} ({head['source']})"
        if size > len(leaves):
            raise _Bad(where, f"log truncated: the log now holds only {len(leaves)} records")
        if not hmac.compare_digest(roots(size), root):
            raise _Bad(where, "root does not match the log (records edited, moved or removed)")


def _legacy(head: dict[str, Any], signer: Signer) -> tuple[int | None, bytes]:
    valid = signer.legacy_valid(head)
    if valid is None:
        return None, b""  # no previous-release key kept: nothing to check it with
    if not valid:
        raise _Bad(f"checkpoint at tree size {head['tree_size']} (previous release)", "bad HMAC")
    return int(head["tree_size"]), bytes.fromhex(str(head["root"]))


def _witness_problems(
    label: str, entry: Any, roots: _Roots, signer: Signer, log_id: str
) -> list[_Bad]:
    leaves = roots.leaves
    note = entry.get("checkpoint") if isinstance(entry, dict) else None
    if not isinstance(note, str):
        return [_Bad(label, "not a witnessed head")]
    if entry.get("log_id") != log_id:
        return [_Bad(label, f"witnessed for another log ({entry.get('log_id')!r})")]
    head = notes.open_head(note, log_id, signer.public_keys)
    if head is None:
        return [_Bad(label, "not signed by this log's key")]
    if head.tree_size > len(leaves):
        where = f"log leaf {len(leaves)}"
        why = (
            f"the log holds {len(leaves)} records but a witness saw {head.tree_size} "
            f"({label}): records from index {len(leaves)} on were removed or rolled back"
        )
        return [_Bad(where, why)]
    if not hmac.compare_digest(roots(head.tree_size), head.root):
        why = f"the log's first {head.tree_size} records differ from what a witness saw ({label})"
        return [_Bad(f"log up to size {head.tree_size}", why + ": edited, moved or removed")]
    return []


def _receipt_problems(
    label: str, item: Any, leaves: list[RowMapping], signer: Signer, log_id: str
) -> list[_Bad]:
    named = None
    receipt = item
    if isinstance(item, dict) and isinstance(item.get("receipt"), dict):
        receipt, named = item["receipt"], f"decision {item.get('id')}"
    problem = notes.receipt_problem(receipt, log_id, signer.public_keys)
    if problem is not None:
        return [_Bad(named or label, f"{problem} ({label})")]
    index, leaf_hash = receipt["index"], receipt["leaf_hash"]
    if index is None:
        if any(leaf["leaf_hash"] == leaf_hash for leaf in leaves):
            return []
        return [_Bad(named or label, f"its pending record never reached the log ({label})")]
    where = named or f"receipt for log leaf {index}"
    if not 0 <= index < len(leaves):
        why = f"not in the log: the log holds {len(leaves)} records (deleted or rolled back)"
        return [_Bad(where, f"{why} ({label})")]
    leaf = leaves[index]
    now = f"{leaf['kind']} {leaf['ref_id']}"
    if not hmac.compare_digest(str(leaf["leaf_hash"]), str(leaf_hash)):
        why = f"log leaf {index} ({now}) no longer has the receipt's hash: edited or replaced"
        return [_Bad(named or now, f"{why} ({label})")]
    if named is not None and named != f"decision {leaf['ref_id']}":
        return [_Bad(named, f"log leaf {index} holds {now} ({label})")]
    return []
