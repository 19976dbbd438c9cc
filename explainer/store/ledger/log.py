"""The tamper-evident log: leaves, personal commitments, receipts, signed heads.

Each stored record appends one leaf in its own transaction. The leaf data is the
canonical JSON of ``{"index", "kind", "id", "public", "commitment"}`` where
``public`` is every column of the record's row and ``commitment`` is
SHA-256(salt || canonical personal JSON), or ``"none"`` without a personal part.
The leaf hash is RFC 6962's ``SHA-256(0x00 || data)`` (see ``merkle``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import (
    Connection,
    Insert,
    RowMapping,
    Select,
    Table,
    bindparam,
    func,
    insert,
    select,
)

from explainer.store.tables import RECORDS, log_info, log_leaves, payloads, tree_heads
from explainer.tlog import merkle

if TYPE_CHECKING:
    from explainer.store.ledger.signer import Signer

__all__ = [
    "NO_COMMITMENT",
    "Frontier",
    "Leaf",
    "Recorder",
    "append_leaf",
    "canonical",
    "commitment",
    "compact",
    "iso",
    "leaf_data",
    "log_id_of",
    "public_part",
    "record_time",
    "sign_head",
    "store_payload",
    "ticket_hash",
]

NO_COMMITMENT = "none"


def canonical(obj: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the one byte form that is hashed."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def compact(obj: Any) -> str:
    """The stored text of a document or payload: sorted keys, no spaces.

    Stored texts enter a leaf as strings, so only :func:`canonical` must stay byte-stable;
    this one is free to be fast (orjson: about 15x the standard encoder on a decision).
    """
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def iso(moment: datetime) -> str:
    """A UTC timestamp in the decision's format (microseconds, ``Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def public_part(row: RowMapping | dict[str, Any]) -> dict[str, Any]:
    """Every column of a record row, in JSON form."""
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in row.items()}


def commitment(salt_hex: str, row: RowMapping | dict[str, Any]) -> str:
    """SHA-256(salt || canonical personal JSON) of a payload row."""
    personal = {k: row[k] for k in ("customer_id", "data")}
    personal["created_at"] = iso(row["created_at"])
    return hashlib.sha256(bytes.fromhex(salt_hex) + canonical(personal)).hexdigest()


def leaf_data(index: int, kind: str, ref_id: str, public: dict[str, Any], commit: str) -> bytes:
    """The bytes a leaf hashes."""
    body = {"index": index, "kind": kind, "id": ref_id, "public": public, "commitment": commit}
    return canonical(body)


def store_payload(
    conn: Connection,
    kind: str,
    ref_id: str,
    data: Any,
    customer_id: str | None,
    at: datetime,
    ticket_id: str | None = None,
) -> str:
    """Insert an erasable payload with a fresh salt; return its commitment."""
    row: dict[str, Any] = {
        "kind": kind,
        "ref_id": ref_id,
        "customer_id": customer_id,
        "created_at": at,
        "salt": secrets.token_hex(32),
        "data": compact(data),
        "ticket_hash": None if ticket_id is None else ticket_hash(ticket_id),
    }
    conn.execute(_insert(payloads), row)
    return commitment(row["salt"], row)


def ticket_hash(ticket_id: str) -> str:
    """The look-up key of a helpdesk ticket id (kept with, and erased with, its payload)."""
    return hashlib.sha256(ticket_id.encode("utf-8")).hexdigest()


def append_leaf(
    conn: Connection, kind: str, ref_id: str, commit: str, inserted: dict[str, Any] | None = None
) -> Leaf:
    """Append the leaf for a record already inserted in this transaction.

    ``inserted`` is the row as inserted: when it names every column (and every column
    type reads back what it was given, as the record tables' do) it is the row, and the
    record need not be read back.
    """
    if inserted is not None and inserted.keys() == _columns(kind):
        row: RowMapping | dict[str, Any] = inserted
    else:
        row = conn.execute(_record_query(kind), {"ref_id": ref_id}).mappings().one()
    last = conn.execute(_LAST_LEAF).scalar_one_or_none()
    index = 0 if last is None else last + 1
    digest = merkle.leaf_hash(leaf_data(index, kind, ref_id, public_part(row), commit)).hex()
    leaf = {"idx": index, "kind": kind, "ref_id": ref_id, "commitment": commit, "leaf_hash": digest}
    conn.execute(_insert(log_leaves), leaf)
    return Leaf(kind, ref_id, index, digest, record_time(row))


def record_time(row: RowMapping | dict[str, Any]) -> str:
    """When the log took a record: its ``created_at`` (every record table has one)."""
    return iso(row["created_at"])


# Statements are built once: constructing one costs several times what running it does.
_LAST_LEAF = select(func.max(log_leaves.c.idx))


@cache
def _record_query(kind: str) -> Select[Any]:
    table, key = RECORDS[kind]
    return select(table).where(table.c[key] == bindparam("ref_id"))


@cache
def _columns(kind: str) -> set[str]:
    return set(RECORDS[kind][0].c.keys())


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


class Frontier:
    """The right edge of a growing RFC 6962 tree: O(log n) state, root of any prefix."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []
        self.size = 0

    def reset(self) -> Frontier:
        """Forget every leaf; return self."""
        self._stack, self.size = [], 0
        return self

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash, merging equal-sized perfect subtrees."""
        node = (1, leaf)
        while self._stack and self._stack[-1][0] == node[0]:
            size, left = self._stack.pop()
            node = (size * 2, merkle.node_hash(left, node[1]))
        self._stack.append(node)
        self.size += 1

    def root(self) -> bytes:
        """The Merkle tree hash of the leaves appended so far."""
        if not self._stack:
            return merkle.root([])
        acc = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            acc = merkle.node_hash(left, acc)
        return acc


@dataclass(frozen=True)
class Leaf:
    """A leaf just appended: what a receipt states about it."""

    kind: str
    ref_id: str
    index: int
    leaf_hash: str
    timestamp: str


def log_id_of(conn: Connection) -> str:
    """The log id revision 0004 made for this database."""
    return str(conn.execute(select(log_info.c.log_id).where(log_info.c.id == 1)).scalar_one())


def sign_head(
    conn: Connection, signer: Signer, log_id: str, frontier: Frontier | None = None
) -> dict[str, Any]:
    """Sign the current tree head and store it (the caller appends it to the file).

    ``frontier`` may hold the tree over the first leaves from an earlier head: it is
    extended with the leaves since (the log is append-only), so signing reads only the
    new leaves instead of the whole log. It is updated in place.
    """
    last = conn.execute(_LAST_LEAF).scalar_one_or_none()
    size = 0 if last is None else last + 1
    frontier = Frontier() if frontier is None else frontier
    if frontier.size > size:  # the log was reset under this process
        frontier.reset()
    query = (
        select(log_leaves.c.leaf_hash)
        .where(log_leaves.c.idx >= frontier.size, log_leaves.c.idx < size)
        .order_by(log_leaves.c.idx)
    )
    for h in conn.execute(query).scalars():
        frontier.append(bytes.fromhex(h))
    root, stamp = frontier.root(), iso(datetime.now(UTC))
    note = signer.head(log_id, frontier.size, root, stamp)
    head = {"tree_size": frontier.size, "root": root.hex(), "timestamp": stamp, "note": note}
    conn.execute(_insert(tree_heads), head)
    return head


class Recorder:
    """One write transaction's view of the log: insert a record, its payload, its leaf."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.leaves: list[Leaf] = []

    def record(
        self,
        kind: str,
        row: dict[str, Any],
        personal: Any = None,
        customer_id: str | None = None,
        ticket_id: str | None = None,
    ) -> None:
        """Store one record; ``personal`` (if not None) goes to the erasable payload table."""
        table, key = RECORDS[kind]
        self.conn.execute(_insert(table), row)
        commit = NO_COMMITMENT
        if personal is not None:
            at = row["created_at"]
            commit = store_payload(self.conn, kind, row[key], personal, customer_id, at, ticket_id)
        self.leaves.append(append_leaf(self.conn, kind, row[key], commit, row))

    def leaf(self, kind: str, ref_id: str) -> Leaf | None:
        """The leaf this transaction appended for one record, if any."""
        return next((x for x in self.leaves if (x.kind, x.ref_id) == (kind, ref_id)), None)

    def crossed(self, every: int) -> bool:
        """Whether this transaction's leaves passed a multiple of ``every``."""
        if not self.leaves or every <= 0:
            return False
        return (self.leaves[-1].index + 1) // every > self.leaves[0].index // every
