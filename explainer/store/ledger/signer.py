"""The log key at work: receipts, signed heads, this log's own head file.

Heads are also appended to a file in the data folder named after the log id, so two
instances in one folder never mix their heads.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from explainer.settings import Settings
from explainer.store.ledger.log import Leaf, canonical
from explainer.tlog import notes
from explainer.tlog.keys import DEFAULT_NAME, KeyPlace, public_from_b64

__all__ = ["Signer"]


class Signer:
    """Signs receipts and tree heads with the log's Ed25519 key.

    Heads are also appended to a file in the data folder named after the log id, so
    two instances in one folder never mix their heads. ``previous`` keeps retired
    public keys verifiable; ``legacy`` is the previous release's HMAC key, for its
    checkpoints.
    """

    def __init__(
        self,
        key: Ed25519PrivateKey,
        folder: Path,
        previous: list[Ed25519PublicKey] | None = None,
    ) -> None:
        self.key = key
        self.folder = folder
        self.public_keys = [key.public_key(), *(previous or [])]
        legacy = folder / "log_signing.key"
        self.legacy = bytes.fromhex(legacy.read_text("ascii").strip()) if legacy.exists() else None

    @classmethod
    def from_settings(cls, settings: Settings) -> Signer:
        """The key the settings name (its place checked), the data folder, retired keys."""
        previous = [public_from_b64(k) for k in settings.log_previous_keys]
        return cls(_key_place(settings).settle(), settings.instance_path, previous)

    def receipt(self, log_id: str, leaf: Leaf) -> dict[str, Any]:
        """The signed receipt of one leaf."""
        return notes.sign_receipt(self.key, log_id, leaf.index, leaf.leaf_hash, leaf.timestamp)

    def head(self, log_id: str, size: int, root: bytes, timestamp: str) -> str:
        """A signed note over one tree head."""
        return notes.sign_head(self.key, log_id, size, root, timestamp)

    def heads_file(self, log_id: str) -> Path:
        """This log's own file of signed heads in the data folder."""
        return self.folder / "heads" / (log_id.replace("/", "_") + ".jsonl")

    def write(self, log_id: str, head: dict[str, Any]) -> None:
        """Append a head to this log's file and force it to disk."""
        path = self.heads_file(log_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"note": head["note"]}) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def read(self, log_id: str) -> list[str]:
        """Every note in this log's file (an unparseable line as an empty note)."""
        path = self.heads_file(log_id)
        if not path.exists():
            return []
        found: list[str] = []
        for line in path.read_text("utf-8").splitlines():
            try:
                found.append(str(json.loads(line)["note"]))
            except (ValueError, TypeError, KeyError):
                found.append("")
        return found

    def legacy_valid(self, head: dict[str, Any]) -> bool | None:
        """Whether a previous-release HMAC checkpoint is good; None without its key."""
        if self.legacy is None:
            return None
        body = {k: head.get(k) for k in ("tree_size", "root", "timestamp")}
        expected = hmac.new(self.legacy, canonical(body), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, str(head.get("signature")))


def _key_place(settings: Settings) -> KeyPlace:
    folders = [settings.instance_path]
    if settings.database_url.startswith("sqlite:///"):
        database = settings.database_url.removeprefix("sqlite:///").split("?")[0]
        if database and database != ":memory:":
            folders.append(Path(database).parent)
    configured = settings.log_key_file
    return KeyPlace(
        path=configured or settings.instance_path / DEFAULT_NAME,
        configured=configured is not None,
        production=settings.env == "production",
        data_folders=tuple(folders),
    )
