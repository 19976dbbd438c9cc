"""Console accounts: argon2id passwords, server-side sessions, login throttling in the DB.

Sessions live in the database (the cookie holds a random token; only its SHA-256 is
stored), so logging out, disabling a user and the idle timeout end them at once in
every worker. Failed logins are counted per username and client address in the
database too, so the throttle holds however many processes serve the console.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, insert, select, update

from explainer.errors import ConflictError, NotFoundError, ValidationFailed
from explainer.oversight.passwords import check_password
from explainer.oversight.roles import ROLES, LoginResult, User
from explainer.store.engine import writing
from explainer.store.ids import new_id
from explainer.store.ledger.log import Recorder
from explainer.store.tables import login_attempts, sessions, users

if TYPE_CHECKING:
    from explainer.store.store import Store

__all__ = [
    "MAX_FAILURES",
    "SESSION_MAX_HOURS",
    "THROTTLE_WINDOW",
    "Accounts",
]

MAX_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)
SESSION_MAX_HOURS = 12  # an absolute limit on top of the idle timeout
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
_TOUCH_EVERY = timedelta(seconds=15)  # last_seen is refreshed at most this often


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_username(raw: str) -> str:
    """Lower-cased, stripped; ValidationFailed unless 2-64 of ``a-z 0-9 . _ -``."""
    name = raw.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise ValidationFailed("a username is 2-64 characters: letters, digits, '.', '_', '-'")
    return name


class Accounts:
    """Users, sessions and login attempts over the store's database."""

    def __init__(self, store: Store, hasher: PasswordHasher | None = None) -> None:
        self.store = store
        self.engine = store.engine
        self.hasher = hasher or PasswordHasher()  # argon2id with the library's defaults
        self._dummy: str | None = None

    # users
    def create_user(self, username: str, password: str, role: str, actor: str) -> User:
        """Add a user (a logged ``account_event``); ConflictError when the name is taken."""
        name = normalise_username(username)
        if role not in ROLES:
            raise ValidationFailed(f"role must be one of {', '.join(ROLES)}")
        check_password(password, username)
        row = {
            "id": new_id("usr"),
            "username": name,
            "password_hash": self.hasher.hash(password),
            "role": role,
            "disabled": False,
            "created_at": _now(),
        }
        with self.store.recording() as rec:
            taken = rec.conn.execute(select(users.c.id).where(users.c.username == name)).first()
            if taken is not None:
                raise ConflictError(f"a user named {name!r} already exists")
            rec.conn.execute(insert(users).values(**row))
            self._event(rec, "create", name, role, actor)
        return User(str(row["id"]), name, role)

    def set_disabled(self, username: str, disabled: bool, actor: str) -> None:
        """Disable (ending every session) or re-enable a user; logged."""
        name = normalise_username(username)
        with self.store.recording() as rec:
            found = rec.conn.execute(select(users).where(users.c.username == name)).mappings()
            row = found.first()
            if row is None:
                raise NotFoundError(f"no user named {name!r}")
            rec.conn.execute(update(users).where(users.c.id == row["id"]).values(disabled=disabled))
            if disabled:
                rec.conn.execute(
                    update(sessions).where(sessions.c.user_id == row["id"]).values(revoked=True)
                )
            self._event(rec, "disable" if disabled else "enable", name, row["role"], actor)

    def list_users(self) -> list[dict[str, Any]]:
        """Every user without the password hash, by name."""
        cols = [users.c.id, users.c.username, users.c.role, users.c.disabled, users.c.created_at]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*cols).order_by(users.c.username)).mappings()
            return [dict(r) for r in rows]

    @staticmethod
    def _event(rec: Recorder, action: str, username: str, role: str, actor: str) -> None:
        row = {
            "id": new_id("acc"),
            "action": action,
            "username": username,
            "role": role,
            "actor": actor,
            "created_at": _now(),
        }
        rec.record("account_event", row)

    # logging in
    def login(self, username: str, password: str, ip: str) -> LoginResult:
        """Check a password unless throttled; every attempt is counted.

        The attempt is written down as a failure *before* the password is checked, in a
        write transaction that also counts the recent failures: writers are serialised,
        so however many requests race in, across workers, at most MAX_FAILURES of them
        reach the password check. A right password then turns its row into a success.
        """
        name = username.strip().lower()[:100]
        now = _now()
        who = {"username": name, "ip": ip[:64]}
        with writing(self.engine) as conn:
            if self._failures(conn, name, ip, now) >= MAX_FAILURES:
                return LoginResult(None, throttled=True)
            attempt = conn.execute(
                insert(login_attempts).values(**who, ok=False, created_at=now)
            ).inserted_primary_key
            conn.execute(
                delete(login_attempts).where(login_attempts.c.created_at < now - timedelta(days=1))
            )
        user = self._verify(name, password)
        if user is not None and attempt is not None:
            with self.engine.begin() as conn:
                conn.execute(
                    update(login_attempts).where(login_attempts.c.id == attempt[0]).values(ok=True)
                )
        return LoginResult(user)

    def recent_failures(self, username: str, ip: str, now: datetime | None = None) -> int:
        """Failures for this username and address in the window since their last success."""
        with self.engine.connect() as conn:
            return self._failures(conn, username, ip, now or _now())

    @staticmethod
    def _failures(conn: Connection, username: str, ip: str, now: datetime) -> int:
        t = login_attempts
        who = (t.c.username == username, t.c.ip == ip[:64])
        last_ok = conn.execute(select(func.max(t.c.created_at)).where(*who, t.c.ok)).scalar()
        since = now - THROTTLE_WINDOW
        if last_ok is not None:
            since = max(since, last_ok)
        query = select(func.count()).where(*who, t.c.ok.is_(False), t.c.created_at > since)
        return int(conn.execute(query).scalar_one())

    def _verify(self, name: str, password: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == name)).mappings().first()
        if row is None:
            # Spend the same time as a real check, so timing does not reveal names.
            self._dummy = self._dummy or self.hasher.hash(secrets.token_urlsafe(16))
            self._check(self._dummy, password)
            return None
        if not self._check(row["password_hash"], password) or row["disabled"]:
            return None
        return User(row["id"], row["username"], row["role"])

    def _check(self, hashed: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(hashed, password))
        except (VerificationError, InvalidHashError):
            return False

    # sessions
    def open_session(self, user: User) -> str:
        """A new session; returns the token for the cookie (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(
                insert(sessions).values(
                    id=_digest(token), user_id=user.id, created_at=now, last_seen=now, revoked=False
                )
            )
        return token

    def session_user(self, token: str, idle_minutes: float) -> User | None:
        """The user of a live session, refreshing its last use; None (and ended) otherwise."""
        if not token or len(token) > 100:
            return None
        sid, now = _digest(token), _now()
        query = (
            select(sessions, users.c.username, users.c.role, users.c.disabled)
            .join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.id == sid)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        if row is None or row["revoked"]:
            return None
        idle = now - row["last_seen"] > timedelta(minutes=idle_minutes)
        too_old = now - row["created_at"] > timedelta(hours=SESSION_MAX_HOURS)
        if idle or too_old or row["disabled"]:
            self.end_session(token)
            return None
        if now - row["last_seen"] > _TOUCH_EVERY:
            with self.engine.begin() as conn:
                conn.execute(update(sessions).where(sessions.c.id == sid).values(last_seen=now))
        return User(row["user_id"], row["username"], row["role"])

    def end_session(self, token: str) -> None:
        """Revoke a session (logout); unknown tokens are ignored."""
        with self.engine.begin() as conn:
            conn.execute(
                update(sessions).where(sessions.c.id == _digest(token)).values(revoked=True)
            )
