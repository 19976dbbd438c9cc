"""Checking a receipt: the log's Ed25519 signature over the documented bytes.

The bytes are ``explainer-receipt/v1\\n<log_id>\\n<index or "pending">\\n<leaf_hash>\\n
<timestamp>\\n`` (the service's docs/log.md). A good signature proves the log holding
that key issued the receipt; that the record is still in the log, unedited, is checked
against the served leaves (``Client.verify_receipt(..., against_log=True)``) or, with no
trust in the server at all, by ``explainer audit verify`` or tools/verify_receipts.py.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from explainer_client.models import Receipt

__all__ = ["ReceiptError", "signed_bytes", "verify_signature"]


class ReceiptError(Exception):
    """A receipt that does not hold, with the reason."""


def signed_bytes(receipt: Receipt) -> bytes:
    """What the log signed for this receipt."""
    where = "pending" if receipt.index is None else str(receipt.index)
    text = (
        f"explainer-receipt/v1\n{receipt.log_id}\n{where}\n{receipt.leaf_hash}\n"
        f"{receipt.timestamp}\n"
    )
    return text.encode("utf-8")


def verify_signature(receipt: Receipt, log_id: str, public_keys: Iterable[str]) -> None:
    """Raise ReceiptError unless ``receipt`` names ``log_id`` and one key signed it."""
    if receipt.log_id != log_id:
        raise ReceiptError(f"issued by another log ({receipt.log_id}, not {log_id})")
    try:
        signature = base64.b64decode(receipt.signature, validate=True)
    except ValueError:
        raise ReceiptError("the signature is not base64") from None
    message = signed_bytes(receipt)
    for text in public_keys:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
        try:
            key.verify(signature, message)
        except InvalidSignature:
            continue
        return
    raise ReceiptError("bad signature: no key of this log signed it")
