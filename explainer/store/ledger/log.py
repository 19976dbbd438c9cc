"""The tamper-evident log: leaves, personal commitments, signed checkpoints.

Each stored record appends one leaf in its own transaction. The leaf data is the
canonical JSON of ``{"index", "kind", "id", "public", "commitment"}`` where
``public`` is every column of the record's row and ``commitment`` is
SHA-256(salt || canonical personal JSON), or ``"none"`` without a personal part.
The leaf hash is RFC 6962's ``SHA-256(0x00 || data)`` (see ``merkle``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

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

from explainer.store.ledger import merkle
from explainer.store.tables import RECORDS, checkpoints, log_leaves, payloads

__all__ = [
    "NO_COMMITMENT",
    "Frontier",
    "Recorder",
    "Signer",
    "append_leaf",
    "canonical",
    "commitment",
    "iso",
    "leaf_data",
    "make_checkpoint",
    "public_part",
    "store_payload",
]

NO_COMMITMENT = "none"


def canonical(obj: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the one byte form that is hashed."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def iso(moment: datetime) -> str:
    """A UTC timestamp in the decision's format (microseconds, ``Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def public_part(row: RowMapping) -> dict[str, Any]:
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
    conn: Connection, kind: str, ref_id: str, data: Any, customer_id: str | None, at: datetime
) -> str:
    """Insert an erasable payload with a fresh salt; return its commitment."""
    row: dict[str, Any] = {
        "kind": kind,
        "ref_id": ref_id,
        "customer_id": customer_id,
        "created_at": at,
        "salt": secrets.token_hex(32),
        "data": canonical(data).decode("utf-8"),
    }
    conn.execute(_insert(payloads), row)
    return commitment(row["salt"], row)


def append_leaf(conn: Connection, kind: str, ref_id: str, commit: str) -> int:
    """Append the leaf for a record already inserted in this transaction; return the tree size."""
    row = conn.execute(_record_query(kind), {"ref_id": ref_id}).mappings().one()
    last = conn.execute(_LAST_LEAF).scalar_one_or_none()
    index = 0 if last is None else last + 1
    digest = merkle.leaf_hash(leaf_data(index, kind, ref_id, public_part(row), commit)).hex()
    leaf = {"idx": index, "kind": kind, "ref_id": ref_id, "commitment": commit, "leaf_hash": digest}
    conn.execute(_insert(log_leaves), leaf)
    return index + 1


# Statements are built once: constructing one costs several times what running it does.
_LAST_LEAF = select(func.max(log_leaves.c.idx))


@cache
def _record_query(kind: str) -> Select[Any]:
    table, key = RECORDS[kind]
    return select(table).where(table.c[key] == bindparam("ref_id"))


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
class Signer:
    """Signs and checks tree heads with an HMAC key kept outside the database."""

    key: bytes
    file: Path

    @classmethod
    def in_folder(cls, folder: Path) -> Signer:
        """Load ``log_signing.key`` from ``folder``, creating it (0600) the first time."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "log_signing.key"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return cls(bytes.fromhex(path.read_text("ascii").strip()), folder / "checkpoints.jsonl")
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        return cls.in_folder(folder)

    def sign(self, tree_size: int, root_hex: str, timestamp: str) -> str:
        """HMAC-SHA256 over the canonical tree head."""
        head = {"tree_size": tree_size, "root": root_hex, "timestamp": timestamp}
        return hmac.new(self.key, canonical(head), hashlib.sha256).hexdigest()

    def valid(self, head: dict[str, Any]) -> bool:
        """Whether a stored head carries a good signature."""
        try:
            expected = self.sign(head["tree_size"], head["root"], head["timestamp"])
            return hmac.compare_digest(expected, str(head["signature"]))
        except (KeyError, TypeError, ValueError):
            return False

    def write(self, head: dict[str, Any]) -> None:
        """Append a head to the checkpoint file and force it to disk."""
        with self.file.open("a", encoding="utf-8") as out:
            out.write(canonical(head).decode("utf-8") + "\n")
            out.flush()
            os.fsync(out.fileno())

    def read(self) -> list[dict[str, Any]]:
        """Every head in the checkpoint file (unparseable lines as empty heads)."""
        if not self.file.exists():
            return []
        heads: list[dict[str, Any]] = []
        for line in self.file.read_text("utf-8").splitlines():
            try:
                heads.append(dict(json.loads(line)))
            except (ValueError, TypeError):
                heads.append({})
        return heads


def make_checkpoint(
    conn: Connection, signer: Signer, frontier: Frontier | None = None
) -> dict[str, Any]:
    """Sign the current tree head and store it in the table (caller writes the file).

    ``frontier`` may hold the tree over the first leaves from an earlier checkpoint:
    it is extended with the leaves since (the log is append-only), so a checkpoint
    reads only the new leaves instead of the whole log. It is updated in place.
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
    root_hex, stamp = frontier.root().hex(), iso(datetime.now(UTC))
    head = {"tree_size": frontier.size, "root": root_hex, "timestamp": stamp}
    head["signature"] = signer.sign(frontier.size, root_hex, stamp)
    conn.execute(insert(checkpoints).values(**head))
    return head


class Recorder:
    """One write transaction's view of the log: insert a record, its payload, its leaf."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sizes: list[int] = []

    def record(
        self,
        kind: str,
        row: dict[str, Any],
        personal: Any = None,
        customer_id: str | None = None,
    ) -> None:
        """Store one record; ``personal`` (if not None) goes to the erasable payload table."""
        table, key = RECORDS[kind]
        self.conn.execute(_insert(table), row)
        commit = NO_COMMITMENT
        if personal is not None:
            at = row["created_at"]
            commit = store_payload(self.conn, kind, row[key], personal, customer_id, at)
        self.sizes.append(append_leaf(self.conn, kind, row[key], commit))

    def crossed(self, every: int) -> bool:
        """Whether this transaction's leaves passed a multiple of ``every``."""
        if not self.sizes or every <= 0:
            return False
        return self.sizes[-1] // every > (self.sizes[0] - 1) // every
