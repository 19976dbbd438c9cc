"""The log as outsiders see it: its id and key, receipts, signed heads and proofs."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from explainer.errors import NotFoundError, NotYetCovered, ValidationFailed
from explainer.store.engine import writing
from explainer.store.ledger.cadence import Cadence
from explainer.store.ledger.log import Frontier, Leaf, log_id_of, record_time, sign_head
from explainer.store.ledger.signer import Signer
from explainer.store.ledger.verify import VerifyResult, verify
from explainer.store.tables import RECORDS, log_leaves, tree_heads
from explainer.tlog import merkle
from explainer.tlog.keys import public_b64

__all__ = ["Ledger"]

MAX_LEAVES = 1000  # leaf hashes per page of GET /api/v1/log/leaves


class Ledger:
    """One database's log: signs heads on a cadence, issues receipts, answers proofs."""

    def __init__(self, engine: Engine, signer: Signer, interval: float) -> None:
        self.engine = engine
        self.signer = signer
        self._log_id: str | None = None
        # The tree over the leaves up to the last head this process signed.
        self._frontier = Frontier()
        self._lock = threading.Lock()
        self._cadence = Cadence(self.sign_if_grown, interval)
        self._wrote = False

    @property
    def log_id(self) -> str:
        """The id every head and receipt of this database names (read once)."""
        if self._log_id is None:
            with self.engine.connect() as conn:
                self._log_id = log_id_of(conn)
        return self._log_id

    def wrote(self, crossed: bool) -> None:
        """A write committed: sign now when it crossed the count cadence, else soon."""
        self._wrote = True
        if crossed:
            self.sign()
        else:
            self._cadence.poke()

    def receipt(self, leaf: Leaf) -> dict[str, Any]:
        """The signed receipt of a leaf (deterministic: Ed25519 over the leaf's facts)."""
        return self.signer.receipt(self.log_id, leaf)

    def receipt_for(self, kind: str, ref_id: str) -> dict[str, Any]:
        """The receipt of a stored record; NotFoundError when it has no leaf."""
        table, key = RECORDS[kind]
        query = (
            select(log_leaves.c.idx, log_leaves.c.leaf_hash, table.c.created_at)
            .join(table, table.c[key] == log_leaves.c.ref_id)
            .where(log_leaves.c.kind == kind, log_leaves.c.ref_id == ref_id)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFoundError(f"no {kind} {ref_id} in the log")
        return self.receipt(Leaf(kind, ref_id, row["idx"], row["leaf_hash"], record_time(row)))

    def sign(self) -> dict[str, Any]:
        """Sign the current tree head; store it and append it to this log's head file."""
        with self._lock, writing(self.engine) as conn:
            try:
                head = sign_head(conn, self.signer, self.log_id, self._frontier)
            except BaseException:
                self._frontier.reset()  # rebuilt from the log next time
                raise
        self.signer.write(self.log_id, head)
        return head

    def sign_if_grown(self) -> dict[str, Any] | None:
        """Sign a head only when the log holds records the latest head does not cover."""
        with self.engine.connect() as conn:
            size = _size(conn)
            head = _latest(conn)
        if size == 0 or (head is not None and head["tree_size"] >= size):
            return None
        return self.sign()

    def shutdown(self) -> None:
        """On a clean stop: a final head over what this process wrote."""
        self._cadence.cancel()
        if self._wrote:
            self.sign_if_grown()

    def cancel(self) -> None:
        """Drop a pending head (after a fork, or when the store is disposed)."""
        self._cadence.cancel()

    def latest(self) -> dict[str, Any] | None:
        """The newest signed head, or None before the first."""
        with self.engine.connect() as conn:
            return _latest(conn)

    def public(self) -> dict[str, Any]:
        """What anyone may know: the log id, its key, the latest signed head."""
        head = self.latest()
        return {
            "log_id": self.log_id,
            "public_key": public_b64(self.signer.public_keys[0]),
            "previous_keys": [public_b64(k) for k in self.signer.public_keys[1:]],
            "tree_size": head["tree_size"] if head else 0,
            "checkpoint": head["note"] if head else None,
        }

    def leaf_hashes(self, start: int, end: int) -> list[str]:
        """Leaf hashes ``start`` to ``end`` (exclusive): a page of at most MAX_LEAVES, fewer
        past the end of the log, none when ``end <= start`` (pages, so never an error)."""
        if start < 0 or end < 0:
            raise ValidationFailed("start and end are record indices, 0 or more")
        end = min(end, start + MAX_LEAVES)
        query = (
            select(log_leaves.c.leaf_hash)
            .where(log_leaves.c.idx >= start, log_leaves.c.idx < end)
            .order_by(log_leaves.c.idx)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def consistency(self, first: int, second: int) -> list[str]:
        """RFC 6962 PROOF(first, D[second]) over the stored leaves."""
        with self.engine.connect() as conn:
            size = _size(conn)
            if first < 0 or second < 0:
                raise ValidationFailed("tree sizes are 0 or more")
            if not first <= second <= size:
                raise NotFoundError(
                    f"no proof from size {first} to size {second}: the log has {size} records "
                    "and a proof needs first <= second"
                )
            hashes = _hashes(conn, second)
        return [p.hex() for p in merkle.consistency_proof(first, hashes)]

    def inclusion(self, kind: str, ref_id: str, *, sign: bool = False) -> dict[str, Any]:
        """An RFC 6962 audit path for a record against the newest head covering it.

        Without a head covering the record yet, ``sign`` signs one (the console's and the
        CLI's choice); otherwise NotYetCovered says to come back (the API's reads never
        write, and the cadence signs a head within HEAD_INTERVAL_SECONDS of any write).
        """
        with self.engine.connect() as conn:
            where = (log_leaves.c.kind == kind) & (log_leaves.c.ref_id == ref_id)
            leaf = conn.execute(select(log_leaves).where(where)).mappings().first()
            if leaf is None:
                raise NotFoundError(f"no {kind} {ref_id} in the log")
            head = _latest(conn)
        if head is None or head["tree_size"] <= leaf["idx"]:
            if not sign:
                raise NotYetCovered(f"no signed head covers this {kind} yet; retry shortly")
            head = self.sign()
        with self.engine.connect() as conn:
            hashes = _hashes(conn, head["tree_size"])
        path = merkle.inclusion_proof(leaf["idx"], hashes)
        own, root = bytes.fromhex(leaf["leaf_hash"]), bytes.fromhex(head["root"])
        return {
            "leaf_index": leaf["idx"],
            "tree_size": head["tree_size"],
            "root": head["root"],
            "timestamp": head["timestamp"],
            "checkpoint": head["note"],
            "leaf_hash": leaf["leaf_hash"],
            "audit_path": [p.hex() for p in path],
            "verified": merkle.verify_inclusion(leaf["idx"], head["tree_size"], own, path, root),
        }

    def verify(
        self, receipts: Iterable[tuple[str, Any]] = (), witnessed: Iterable[tuple[str, Any]] = ()
    ) -> VerifyResult:
        """The whole log recomputed, plus receipts and witnessed heads kept elsewhere."""
        with self.engine.connect() as conn:
            return verify(conn, self.signer, self.log_id, list(receipts), list(witnessed))


def _size(conn: Connection) -> int:
    last = conn.execute(select(func.max(log_leaves.c.idx))).scalar_one_or_none()
    return 0 if last is None else int(last) + 1


def _latest(conn: Connection) -> dict[str, Any] | None:
    query = select(tree_heads).order_by(tree_heads.c.id.desc()).limit(1)
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def _hashes(conn: Connection, size: int) -> list[bytes]:
    query = select(log_leaves.c.leaf_hash).where(log_leaves.c.idx < size).order_by(log_leaves.c.idx)
    return [bytes.fromhex(h) for h in conn.execute(query).scalars()]
