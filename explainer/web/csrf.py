"""The one CSRF mechanism for every HTML form: a signed double-submit token with a scope.

A random nonce lives in a cookie; each form carries the nonce signed with the app's
secret and bound to one scope (a decision id, "demo", the console's sign-in form, or
one console session). A cross-site page can send the cookie but cannot read it, nor
sign a nonce, so it cannot make a token the check accepts. The form field is always
``csrf_token``.
"""

from __future__ import annotations

import hmac
import secrets
from functools import lru_cache

from flask import Flask, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from explainer.web.context import settings

__all__ = ["COOKIE", "FIELD", "init_app", "token", "valid"]

COOKIE = "explainer_csrf"
FIELD = "csrf_token"
_SALT = "explainer.form-csrf.v1"
_MAX_AGE = 2 * 86_400  # a page left open over a weekend still posts
_NONCE_LENGTH = 32


def _serializer() -> URLSafeTimedSerializer:
    return _serializer_for(settings().secret)


@lru_cache(maxsize=4)
def _serializer_for(secret: str) -> URLSafeTimedSerializer:
    # Built once per secret: constructing one costs about what signing a token does.
    return URLSafeTimedSerializer(secret, salt=_SALT)


def token(scope: str) -> str:
    """A form token for ``scope``; the nonce cookie is set on the way out when new."""
    nonce = g.get("csrf_nonce") or request.cookies.get(COOKIE) or ""
    if len(nonce) != _NONCE_LENGTH:
        nonce = secrets.token_urlsafe(24)
    g.csrf_nonce = nonce
    return str(_serializer().dumps([nonce, scope]))


def valid(scope: str) -> bool:
    """Whether the posted form's token was made for ``scope`` with this client's nonce."""
    cookie = request.cookies.get(COOKIE, "")
    try:
        nonce, signed_scope = _serializer().loads(request.form.get(FIELD, ""), max_age=_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return False
    return bool(cookie) and hmac.compare_digest(str(nonce), cookie) and signed_scope == scope


def _set_cookie(response: Response) -> Response:
    nonce = g.get("csrf_nonce")
    if nonce and request.cookies.get(COOKIE) != nonce:
        secure = settings().public_url.startswith("https://") or request.is_secure
        response.set_cookie(COOKIE, nonce, httponly=True, samesite="Lax", secure=secure)
    return response


def init_app(app: Flask) -> None:
    """Send the nonce cookie whenever a response's forms needed a new one."""
    app.after_request(_set_cookie)
