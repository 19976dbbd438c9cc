"""Signed, expiring customer links: a token names exactly one decision.

HMAC-SHA256 through itsdangerous with a purpose-bound salt; revocation is checked
against the store by the caller, so a revoked, tampered, expired or unknown token
all end in the same plain 404.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

__all__ = ["LinkSigner"]

_SALT = "explainer.why-link.v1"


class LinkSigner:
    """Makes and reads ``/why/<token>`` tokens for one secret key."""

    def __init__(self, secret_key: str, max_age_days: int) -> None:
        self._s = URLSafeTimedSerializer(
            secret_key, salt=_SALT, signer_kwargs={"digest_method": _sha256()}
        )
        self._max_age = max_age_days * 86_400

    def token(self, decision_id: str) -> str:
        """A token for ``decision_id``."""
        return self._s.dumps(decision_id)

    def decision_id(self, token: str) -> str | None:
        """The decision a valid, unexpired token names; None otherwise."""
        try:
            value = self._s.loads(token, max_age=self._max_age)
        except (BadSignature, ValueError, TypeError):
            return None
        return value if isinstance(value, str) else None


def _sha256() -> object:
    import hashlib

    return hashlib.sha256
