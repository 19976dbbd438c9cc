"""API keys: ``Authorization: Bearer <key>`` only, and scopes per view.

Keys are never read from query strings or cookies (those leak into logs, referrers
and CSRF). ``admin`` implies every other scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request

from explainer.errors import ExplainerError
from explainer.schemas import SCOPES
from explainer.web.context import service

__all__ = ["ADMIN", "SCOPES", "Forbidden", "Unauthorized", "has_scope", "require_scope"]

ADMIN = "admin"
# RFC 6750 b64token; anything else cannot be one of our keys, so it never reaches the DB.
_TOKEN = re.compile(r"^[A-Za-z0-9\-._~+/]{1,512}=*$")
_REALM = 'Bearer realm="explainer"'
F = TypeVar("F", bound=Callable[..., Any])


class Unauthorized(ExplainerError):
    """No usable API key was presented."""

    status = 401
    type_slug = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str, error: str | None = None) -> None:
        super().__init__(detail)
        challenge = f'{_REALM}, error="{error}"' if error else _REALM
        self.headers = {"WWW-Authenticate": challenge}


class Forbidden(ExplainerError):
    """The key is valid but lacks the scope this operation needs."""

    status = 403
    type_slug = "forbidden"
    title = "Insufficient scope"

    def __init__(self, scope: str) -> None:
        super().__init__(f"this operation needs an API key with the {scope!r} scope")
        self.headers = {
            "WWW-Authenticate": f'{_REALM}, error="insufficient_scope", scope="{scope}"'
        }


def has_scope(scopes: frozenset[str], scope: str) -> bool:
    """Whether a key's scopes allow ``scope`` (``admin`` allows everything)."""
    return scope in scopes or ADMIN in scopes


def require_scope(scope: str) -> Callable[[F], F]:
    """View decorator: authenticate the bearer key and check ``scope``; sets ``g.api_key``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            key = _authenticate()
            if not has_scope(frozenset(key.scopes), scope):
                raise Forbidden(scope)
            service().spend(key.id)
            g.api_key = key
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def _authenticate() -> Any:
    header = request.headers.get("Authorization", "")
    if not header:
        raise Unauthorized("send an API key as 'Authorization: Bearer <key>'")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not _TOKEN.match(token):
        raise Unauthorized("the Authorization header must be 'Bearer <key>'", "invalid_request")
    key = service().authenticate(token)
    if key is None:
        raise Unauthorized("the API key is unknown or revoked", "invalid_token")
    return key
