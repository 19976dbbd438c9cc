"""A witness: keep signed heads elsewhere, and accept a new one only if it extends them.

The witness file is JSON Lines, one witnessed head per line::

    {"log_id", "public_key", "tree_size", "root", "checkpoint", "witnessed_at"}

The first line pins the log's id and public key (given, or trusted on first use); every
later head must be signed by that key, no smaller than the last, and proved consistent
with it (RFC 6962), so a log that was rewritten or cut cannot be witnessed again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from explainer.errors import ExplainerError
from explainer.tlog import merkle, notes
from explainer.tlog.keys import public_from_b64

__all__ = ["LogSource", "WitnessRefused", "Witnessed", "read", "witness"]


class WitnessRefused(ExplainerError):
    """The new head does not extend what was witnessed (or the file is not usable)."""

    status = 409
    type_slug = "witness-refused"
    title = "Head not witnessed"


class LogSource(Protocol):
    """Where the latest head comes from: the store, or a running service."""

    def public(self) -> dict[str, Any]:
        """``{"log_id", "public_key", "checkpoint"}`` at least."""
        ...

    def consistency(self, first: int, second: int) -> list[str]:
        """Hex hashes of PROOF(first, second)."""
        ...


@dataclass(frozen=True)
class Witnessed:
    """What one witnessing did."""

    entry: dict[str, Any]
    first: bool
    grew_by: int


def read(path: Path) -> list[dict[str, Any]]:
    """Every witnessed head in the file (none when it does not exist yet)."""
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise WitnessRefused(f"{path} line {number} is not JSON") from None
        if not isinstance(entry, dict):
            raise WitnessRefused(f"{path} line {number} is not a witnessed head")
        entries.append(entry)
    return entries


def witness(path: Path, source: LogSource, public_key: str | None = None) -> Witnessed:
    """Check the source's latest head against the file's last one and append it."""
    entries = read(path)
    log = source.public()
    pinned = entries[0] if entries else None
    log_id = str(pinned["log_id"] if pinned else log["log_id"])
    key_text = str(pinned["public_key"] if pinned else public_key or log["public_key"])
    if pinned is None and public_key is not None and public_key != log["public_key"]:
        raise WitnessRefused("the log serves another public key than the one given")
    if log["log_id"] != log_id:
        raise WitnessRefused(f"this file witnesses {log_id}, the source is {log['log_id']}")
    note = log.get("checkpoint")
    if not isinstance(note, str):
        raise WitnessRefused("the log has no signed head yet")
    head = notes.open_head(note, log_id, [public_from_b64(key_text)])
    if head is None:
        raise WitnessRefused("the latest head is not signed by the pinned key")
    grew = head.tree_size - int(entries[-1]["tree_size"]) if entries else head.tree_size
    if entries:
        _extends(entries[-1], head, source)
    entry = {
        "log_id": log_id,
        "public_key": key_text,
        "tree_size": head.tree_size,
        "root": head.root.hex(),
        "checkpoint": note,
        "witnessed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    _append(path, entry)
    return Witnessed(entry, pinned is None, grew)


def _extends(last: dict[str, Any], head: notes.Head, source: LogSource) -> None:
    old_size, old_root = int(last["tree_size"]), bytes.fromhex(str(last["root"]))
    if head.tree_size < old_size:
        raise WitnessRefused(
            f"the log shrank: it was witnessed at {old_size} records, its head now says "
            f"{head.tree_size} (records removed or rolled back)"
        )
    proof = [bytes.fromhex(h) for h in source.consistency(old_size, head.tree_size)]
    if not merkle.verify_consistency(old_size, head.tree_size, old_root, head.root, proof):
        raise WitnessRefused(
            f"the head at {head.tree_size} records is not consistent with the one witnessed "
            f"at {old_size}: the log was rewritten"
        )


def _append(path: Path, entry: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
