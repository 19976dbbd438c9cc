"""Console sign-in state: the session cookie, roles, and CSRF tokens for every form.

The session cookie holds a random token; the server keeps its hash (``Accounts``).
Forms carry the CSRF token of :mod:`explainer.web.csrf`, scoped to the sign-in form or,
once signed in, to the session (a digest of its token), so a token dies with its session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g, request
from werkzeug.wrappers import Response

from explainer.oversight.roles import User, role_allows
from explainer.web import csrf
from explainer.web.context import service, settings

__all__ = [
    "SESSION_COOKIE",
    "check_csrf",
    "csrf_token",
    "current_user",
    "require_role",
    "set_cookie",
]

SESSION_COOKIE = "explainer_audit"
COOKIE_PATH = "/audit"
F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> User | None:
    """The signed-in user of this request (loaded once, from the session cookie)."""
    if "audit_user" not in g:
        token = request.cookies.get(SESSION_COOKIE, "")
        idle = settings().audit_idle_minutes
        # Signed out until known: if the look-up fails, the error page renders signed out.
        g.audit_user = None
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


def _scope() -> str:
    session = request.cookies.get(SESSION_COOKIE, "")
    if current_user() is not None and session:
        return "audit-session|" + hashlib.sha256(session.encode("utf-8")).hexdigest()
    return "audit-login"


def csrf_token() -> str:
    """The token this request's forms carry."""
    return csrf.token(_scope())


def check_csrf() -> None:
    """Abort with 400 unless the posted form carries this request's token."""
    if not csrf.valid(_scope()):
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
