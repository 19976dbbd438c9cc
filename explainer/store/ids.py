"""Time-sortable record ids in the ULID layout: 48-bit milliseconds + 80 random bits."""

from __future__ import annotations

import os
import time

__all__ = ["new_id", "new_ulid"]

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid() -> str:
    """26 Crockford base-32 characters; lexical order is creation order to the millisecond."""
    millis = time.time_ns() // 1_000_000
    value = (millis << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def new_id(prefix: str) -> str:
    """A record id such as ``dec_01J...``."""
    return f"{prefix}_{new_ulid()}"
