"""Signed tree heads in the C2SP formats, and receipts: the bytes outsiders check.

A tree head is a C2SP ``tlog-checkpoint`` body (origin, tree size, base64 root, then
one ``time`` extension line) wrapped in a C2SP ``signed-note``: the body, a blank line,
and one line ``— <key name> base64(key id || Ed25519 signature)``. The key name is the
log's origin, so a head names the one log it belongs to.

A receipt is the log's signed promise about one record (like CT's SCT or Rekor's
signed entry timestamp). Its signature covers exactly these bytes, UTF-8::

    explainer-receipt/v1\\n<log_id>\\n<index or "pending">\\n<leaf_hash hex>\\n<timestamp>\\n

Nothing here touches a database; verification never raises on bad input.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "RECEIPT_FIELDS",
    "Head",
    "key_id",
    "open_head",
    "receipt_message",
    "receipt_problem",
    "sign_head",
    "sign_receipt",
]

RECEIPT_FIELDS = ("log_id", "leaf_hash", "index", "timestamp", "signature")
_ED25519 = b"\x01"  # the signed-note signature type of Ed25519
_DASH = "\u2014 "


def key_id(name: str, public: Ed25519PublicKey) -> bytes:
    """SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4], as signed-note says."""
    raw = public.public_bytes_raw()
    return hashlib.sha256(name.encode("utf-8") + b"\n" + _ED25519 + raw).digest()[:4]


@dataclass(frozen=True)
class Head:
    """A verified tree head: which log, how many records, their root, when."""

    origin: str
    tree_size: int
    root: bytes
    timestamp: str
    note: str


def _body(origin: str, size: int, root: bytes, timestamp: str) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode('ascii')}\ntime {timestamp}\n"


def sign_head(key: Ed25519PrivateKey, origin: str, size: int, root: bytes, timestamp: str) -> str:
    """The signed note of one tree head, with the log's origin as the key name."""
    body = _body(origin, size, root, timestamp)
    signature = key_id(origin, key.public_key()) + key.sign(body.encode("utf-8"))
    return f"{body}\n{_DASH}{origin} {base64.b64encode(signature).decode('ascii')}\n"


def open_head(note: str, origin: str, keys: list[Ed25519PublicKey]) -> Head | None:
    """The head in ``note`` if one of ``keys`` signed it for ``origin``; else None.

    Signatures by unknown keys are ignored, as signed-note requires; a known key's bad
    signature rejects the note.
    """
    body, sep, signatures = note.partition("\n\n")
    if not sep or not body.startswith(f"{origin}\n"):
        return None
    known = {key_id(origin, k): k for k in keys}
    verified = False
    for line in signatures.splitlines():
        name, _, encoded = line.removeprefix(_DASH).rpartition(" ")
        blob = _b64(encoded)
        if not line.startswith(_DASH) or name != origin or blob is None or blob[:4] not in known:
            continue
        try:
            known[blob[:4]].verify(blob[4:], (body + "\n").encode("utf-8"))
        except InvalidSignature:
            return None
        verified = True
    return _parse_body(body + "\n", note) if verified else None


def _parse_body(body: str, note: str) -> Head | None:
    lines = body.split("\n")
    if len(lines) < 4 or not lines[1].isdecimal():
        return None
    root = _b64(lines[2])
    stamps = [line[5:] for line in lines[3:] if line.startswith("time ")]
    if root is None or len(root) != 32:
        return None
    return Head(lines[0], int(lines[1]), root, stamps[0] if stamps else "", note)


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def receipt_message(log_id: str, index: int | None, leaf_hash: str, timestamp: str) -> bytes:
    """The bytes a receipt's signature covers (see the module docstring)."""
    where = "pending" if index is None else str(index)
    return f"explainer-receipt/v1\n{log_id}\n{where}\n{leaf_hash}\n{timestamp}\n".encode()


def sign_receipt(
    key: Ed25519PrivateKey, log_id: str, index: int | None, leaf_hash: str, timestamp: str
) -> dict[str, Any]:
    """A receipt for one leaf."""
    signature = key.sign(receipt_message(log_id, index, leaf_hash, timestamp))
    return {
        "log_id": log_id,
        "leaf_hash": leaf_hash,
        "index": index,
        "timestamp": timestamp,
        "signature": base64.b64encode(signature).decode("ascii"),
    }


def receipt_problem(receipt: Any, log_id: str, keys: list[Ed25519PublicKey]) -> str | None:
    """Why ``receipt`` is not a good receipt of this log, or None when its signature holds."""
    if not isinstance(receipt, dict) or any(f not in receipt for f in RECEIPT_FIELDS):
        return f"not a receipt (it needs {', '.join(RECEIPT_FIELDS)})"
    index, leaf, stamp = receipt["index"], receipt["leaf_hash"], receipt["timestamp"]
    if receipt["log_id"] != log_id:
        return f"issued by another log ({receipt['log_id']!r}, this is {log_id!r})"
    if not (index is None or (isinstance(index, int) and not isinstance(index, bool))):
        return "index is neither a number nor null"
    if not isinstance(leaf, str) or not isinstance(stamp, str):
        return "leaf_hash and timestamp must be strings"
    signature = _b64(str(receipt["signature"]))
    message = receipt_message(log_id, index, leaf, stamp)
    for key in keys:
        try:
            key.verify(signature or b"", message)
        except InvalidSignature:
            continue
        return None
    return "bad signature (not signed by this log's key)"
