"""Signed, expiring customer links: a token names exactly one decision.

HMAC-SHA256 through itsdangerous with a purpose-bound salt. The token carries the
decision id and when the link was issued (the decision's creation time), so the
same decision always gets the same link and its lifetime counts from the decision,
not from the latest fetch. A reissued link (after a revocation) also carries its
generation and counts from the reissue. Revocation is checked against the store by
the caller: a revoked, tampered, expired or unknown token all end in the same 404.
"""

from __future__ import annotations

import hashlib
import time

from itsdangerous import BadSignature, URLSafeSerializer

__all__ = ["LinkSigner"]

_SALT = "explainer.why-link.v2"
_CLOCK_SKEW = 300  # seconds a token may claim to come from the future


class LinkSigner:
    """Makes and reads ``/why/<token>`` tokens for one secret key."""

    def __init__(self, secret_key: str, max_age_days: int) -> None:
        self._s = URLSafeSerializer(
            secret_key, salt=_SALT, signer_kwargs={"digest_method": hashlib.sha256}
        )
        self._max_age = max_age_days * 86_400

    def token(self, decision_id: str, issued_at: float | None = None, generation: int = 0) -> str:
        """A token for ``decision_id`` issued at ``issued_at`` (epoch seconds; now by default)."""
        issued = int(time.time() if issued_at is None else issued_at)
        # The first generation keeps the two-item form, so links already sent still work.
        value = [decision_id, issued] if generation == 0 else [decision_id, issued, generation]
        return str(self._s.dumps(value))

    def read(self, token: str) -> tuple[str, int] | None:
        """``(decision id, generation)`` of a valid, unexpired token; None otherwise."""
        try:
            value = self._s.loads(token)
        except (BadSignature, ValueError, TypeError):
            return None
        if not (isinstance(value, list) and len(value) in (2, 3)):
            return None
        decision_id, issued, *rest = value
        generation = rest[0] if rest else 0
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (issued, generation)):
            return None
        if not isinstance(decision_id, str) or generation < 0:
            return None
        age = time.time() - issued
        return (decision_id, generation) if -_CLOCK_SKEW <= age <= self._max_age else None

    def decision_id(self, token: str) -> str | None:
        """The decision a valid, unexpired token names; None otherwise."""
        found = self.read(token)
        return None if found is None else found[0]
