"""API keys: only a SHA-256 of each key is stored; creation, expiry and revocation are
logged; when a key was last used is working state beside them."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Insert, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from explainer.errors import ValidationFailed
from explainer.schemas import SCOPES
from explainer.store.ids import new_ulid
from explainer.store.ledger.log import Recorder
from explainer.store.tables import api_key_expiries, api_key_revocations, api_key_uses, api_keys

__all__ = [
    "PREFIX",
    "ApiKey",
    "authenticate",
    "create",
    "digest",
    "expired",
    "listing",
    "lookup",
    "revoke",
    "use_statement",
]

PREFIX = "exk_"
_ID_LEN = 26


@dataclass(frozen=True)
class ApiKey:
    """An authenticated key: who it is and what it may do."""

    id: str
    name: str
    scopes: frozenset[str]


def digest(plaintext: str) -> str:
    """The SHA-256 of a key, as stored (and as a worker remembers a key it has seen)."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create(
    rec: Recorder, name: str, scopes: list[str], expires_at: datetime | None = None
) -> tuple[str, str]:
    """Store a new key; return ``(plaintext, key_id)``. The plaintext is never stored."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes or not name.strip():
        errors = [{"field": "scopes", "message": f"unknown scope {s!r}"} for s in unknown]
        raise ValidationFailed(
            f"a key needs a name and scopes from {sorted(SCOPES)}", errors=errors
        )
    now = datetime.now(UTC)
    if expires_at is not None and expires_at <= now:
        raise ValidationFailed(
            "a key's expiry must be in the future",
            errors=[{"field": "expires", "message": "in the past"}],
        )
    key_id = new_ulid()
    plaintext = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    row = {
        "id": key_id,
        "name": name,
        "scopes": json.dumps(sorted(set(scopes))),
        "key_hash": digest(plaintext),
        "created_at": now,
    }
    rec.record("api_key", row)
    if expires_at is not None:
        expiry = {"key_id": key_id, "expires_at": expires_at, "created_at": now}
        rec.record("api_key_expiry", expiry)
    return plaintext, key_id


def revoke(rec: Recorder, key_id: str) -> bool:
    """Record a revocation; False when the key is unknown or already revoked."""
    conn = rec.conn
    if conn.execute(select(api_keys.c.id).where(api_keys.c.id == key_id)).first() is None:
        return False
    if _revoked(conn, key_id):
        return False
    rec.record("api_key_revocation", {"key_id": key_id, "created_at": datetime.now(UTC)})
    return True


def authenticate(conn: Connection, plaintext: str) -> ApiKey | None:
    """The key behind a bearer token, or None if unknown, revoked, expired or malformed."""
    found = lookup(conn, plaintext)
    return None if found is None or expired(found[1]) else found[0]


def lookup(conn: Connection, plaintext: str) -> tuple[ApiKey, datetime | None] | None:
    """The unrevoked key behind a bearer token and when it expires (None: never)."""
    if not plaintext.startswith(PREFIX) or len(plaintext) < len(PREFIX) + _ID_LEN + 2:
        return None
    key_id = plaintext[len(PREFIX) : len(PREFIX) + _ID_LEN]
    if plaintext[len(PREFIX) + _ID_LEN] != "_":
        return None
    row = conn.execute(_KEY, {"key_id": key_id}).mappings().first()
    if row is None or not hmac.compare_digest(digest(plaintext), row["key_hash"]):
        return None
    if row["revoked"]:
        return None
    key = ApiKey(row["id"], row["name"], frozenset(json.loads(row["scopes"])))
    return key, row["expires_at"]


def expired(expires_at: datetime | None) -> bool:
    """Whether a key expiring at ``expires_at`` has expired by now."""
    return expires_at is not None and expires_at <= datetime.now(UTC)


# One round trip: the key and whether it was revoked (built once, run per request).
_KEY = select(
    api_keys,
    select(api_key_revocations.c.key_id)
    .where(api_key_revocations.c.key_id == bindparam("key_id"))
    .exists()
    .label("revoked"),
    api_key_expiries.c.expires_at,
).outerjoin(api_key_expiries, api_key_expiries.c.key_id == api_keys.c.id)
_KEY = _KEY.where(api_keys.c.id == bindparam("key_id"))


def listing(conn: Connection) -> list[dict[str, Any]]:
    """Every key, oldest first: id, name, scopes, created, expires, last used, revoked."""
    query = (
        select(
            api_keys.c.id,
            api_keys.c.name,
            api_keys.c.scopes,
            api_keys.c.created_at,
            api_key_expiries.c.expires_at,
            api_key_uses.c.last_used_at,
            api_key_revocations.c.created_at.label("revoked_at"),
        )
        .outerjoin(api_key_expiries, api_key_expiries.c.key_id == api_keys.c.id)
        .outerjoin(api_key_uses, api_key_uses.c.key_id == api_keys.c.id)
        .outerjoin(api_key_revocations, api_key_revocations.c.key_id == api_keys.c.id)
        .order_by(api_keys.c.created_at, api_keys.c.id)
    )
    out = []
    for row in conn.execute(query).mappings():
        item = dict(row)
        item["scopes"] = json.loads(item["scopes"])
        out.append(item)
    return out


def use_statement(dialect: str, key_id: str, at: datetime) -> Insert:
    """An upsert of when a key was last used (the newest moment wins)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(api_key_uses).values(key_id=key_id, last_used_at=at)
    return statement.on_conflict_do_update(
        index_elements=[api_key_uses.c.key_id], set_={"last_used_at": at}
    )


def _revoked(conn: Connection, key_id: str) -> bool:
    query = select(api_key_revocations.c.key_id).where(api_key_revocations.c.key_id == key_id)
    return conn.execute(query).first() is not None
