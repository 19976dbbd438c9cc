#!/usr/bin/env python3
"""Check Explainer receipts against a served log, trusting nothing the server says.

Needs only the standard library and ``cryptography``; it imports nothing of Explainer,
so anyone can read it whole and run it anywhere. The algorithm is docs/log.md's:

1. ``GET /api/v1/log``: the log id and its latest signed head (a C2SP signed note).
   The head must carry a good Ed25519 signature by the public key you pin with
   ``--public-key`` (without it, the key the server serves is used, and said so).
2. ``GET /api/v1/log/leaves`` page by page: every leaf hash up to the head's size; their
   RFC 6962 Merkle root must equal the head's root.
3. Each receipt (a JSON line: a receipt, or a whole decision answer carrying one) must
   name this log, carry a good signature over the documented bytes, and its leaf hash
   must be the leaf at its index (a pending receipt's hash anywhere in the log).

Exit 0 when all hold; 1 naming each failing receipt; 2 when the log cannot be read.

    python tools/verify_receipts.py --url https://explainer.example --receipts r.jsonl \\
        --public-key BASE64
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import urllib.parse
import urllib.request
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PAGE = 1000


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    base = args.url.rstrip("/") + "/api/v1/log"
    try:
        log = _get(base)
        key_text = args.public_key or log["public_key"]
        if args.public_key is None:
            print(f"note: trusting the key the server serves: {key_text}", file=sys.stderr)
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_text, validate=True))
        size, root = _open_head(log["checkpoint"], log["log_id"], key)
        leaves = _leaves(base, size)
    except InvalidSignature:
        print("FAILED: the log's head is not signed by the pinned key")
        return 1
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"cannot check the log at {args.url}: {exc}", file=sys.stderr)
        return 2
    if len(leaves) != size or _root(leaves) != root:
        print(f"FAILED: the served leaves do not hash to the signed head ({size} records)")
        return 1
    failures = 0
    with open(args.receipts, encoding="utf-8") as held:
        lines = [line for line in held if line.strip()]
    for number, line in enumerate(lines, start=1):
        problem = _check(json.loads(line), log["log_id"], key, leaves)
        if problem is not None:
            failures += 1
            print(f"FAILED: receipts line {number}: {problem}")
    print(f"{len(lines) - failures} of {len(lines)} receipts hold against {size} records")
    return 1 if failures else 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the service's base URL")
    parser.add_argument("--receipts", required=True, help="JSON Lines of receipts")
    parser.add_argument("--public-key", help="the log's base64 Ed25519 public key (pin it)")
    return parser.parse_args(argv)


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - the user's URL
        return dict(json.loads(answer.read()))


def _open_head(note: str, origin: str, key: Ed25519PublicKey) -> tuple[int, bytes]:
    """Verify a C2SP signed note from ``origin``; return its tree size and root."""
    body, _, signatures = note.partition("\n\n")
    name = origin.encode() + b"\n\x01" + key.public_bytes_raw()
    key_id = hashlib.sha256(name).digest()[:4]
    for line in signatures.splitlines():
        if not line.startswith(f"\u2014 {origin} "):
            continue
        blob = base64.b64decode(line.rsplit(" ", 1)[1])
        if blob[:4] != key_id:
            continue
        key.verify(blob[4:], (body + "\n").encode())  # raises InvalidSignature
        lines = body.split("\n")
        if lines[0] != origin:
            raise ValueError("the head names another log")
        return int(lines[1]), base64.b64decode(lines[2])
    raise ValueError("the head carries no signature by the pinned key")


def _leaves(base: str, size: int) -> list[bytes]:
    found: list[bytes] = []
    while len(found) < size:
        end = min(size, len(found) + PAGE)
        query = urllib.parse.urlencode({"start": len(found), "end": end})
        page = _get(f"{base}/leaves?{query}")["leaf_hashes"]
        if not page:
            break
        found.extend(bytes.fromhex(h) for h in page)
    return found


def _root(leaves: list[bytes]) -> bytes:
    """RFC 6962 Merkle tree hash over leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = leaves
    while len(level) > 1:
        pairs = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        level = pairs + ([level[-1]] if len(level) % 2 else [])
    return level[0]


def _check(item: Any, log_id: str, key: Ed25519PublicKey, leaves: list[bytes]) -> str | None:
    receipt = item.get("receipt") if isinstance(item, dict) and "receipt" in item else item
    named = f"decision {item['id']}: " if receipt is not item else ""
    try:
        index, leaf_hash = receipt["index"], receipt["leaf_hash"]
        if receipt["log_id"] != log_id:
            return f"{named}issued by another log ({receipt['log_id']})"
        where = "pending" if index is None else str(index)
        message = f"explainer-receipt/v1\n{log_id}\n{where}\n{leaf_hash}\n{receipt['timestamp']}\n"
        key.verify(base64.b64decode(receipt["signature"]), message.encode())
    except InvalidSignature:
        return f"{named}bad signature"
    except (KeyError, TypeError, ValueError) as exc:
        return f"{named}not a receipt ({exc})"
    wanted = bytes.fromhex(leaf_hash)
    if index is None:
        return None if wanted in leaves else f"{named}its pending record is not in the log"
    if not 0 <= index < len(leaves):
        return f"{named}index {index} is beyond the log ({len(leaves)} records)"
    if leaves[index] != wanted:
        return f"{named}log leaf {index} has another hash: the record was edited or replaced"
    return None


if __name__ == "__main__":
    sys.exit(main())
