"""Console sign-in state: the session cookie, roles, and CSRF tokens for every form.

The session cookie holds a random token; the server keeps its hash (``Accounts``).
Form tokens are HMACs of the app's secret over what the form is bound to: the
session's token once signed in, or a short-lived nonce cookie on the login form. A
cross-site page can neither read those cookies nor compute the HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, request
from werkzeug.wrappers import Response

from explainer.oversight.roles import User, role_allows
from explainer.web.context import service, settings

__all__ = [
    "CSRF_FIELD",
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "check_csrf",
    "csrf_token",
    "current_user",
    "login_nonce",
    "require_role",
    "set_cookie",
]

SESSION_COOKIE = "explainer_audit"
LOGIN_COOKIE = "explainer_audit_login"
CSRF_FIELD = "csrf_token"
COOKIE_PATH = "/audit"
F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> User | None:
    """The signed-in user of this request (loaded once, from the session cookie)."""
    if "audit_user" not in g:
        token = request.cookies.get(SESSION_COOKIE, "")
        idle = settings().audit_idle_minutes
        g.audit_user = service().accounts.session_user(token, idle) if token else None
    user = g.audit_user
    return user if isinstance(user, User) else None


def require_role(role: str) -> Callable[[F], F]:
    """View decorator: 403 unless the signed-in user's role includes ``role``.

    Signed-out requests never reach a view: the blueprint sends them to the login page.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None or not role_allows(user.role, role):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = role  # type: ignore[attr-defined]
        return cast(F, wrapped)

    return decorator


def _sign(binding: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, b"audit-csrf|" + binding.encode("utf-8"), hashlib.sha256).hexdigest()


def login_nonce() -> str:
    """The login form's nonce (from its cookie, or a new one the response will set)."""
    nonce = g.get("audit_login_nonce") or request.cookies.get(LOGIN_COOKIE, "")
    if len(nonce) < 20 or len(nonce) > 64:
        nonce = secrets.token_urlsafe(24)
    g.audit_login_nonce = nonce
    return str(nonce)


def csrf_token() -> str:
    """The token this request's forms carry."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if current_user() is not None and token:
        return _sign("session|" + token)
    return _sign("login|" + login_nonce())


def check_csrf() -> None:
    """Abort with 400 unless the posted form carries this request's token."""
    sent = request.form.get(CSRF_FIELD, "")
    if not sent or not hmac.compare_digest(sent, csrf_token()):
        abort(400, description="The form expired or did not come from this site. Reload the page.")


def set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    """An HttpOnly, SameSite=Lax cookie under /audit (Secure when served over https)."""
    secure = settings().public_url.startswith("https://")
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Lax",
        secure=secure or request.is_secure,
    )
