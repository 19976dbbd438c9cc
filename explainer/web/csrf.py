"""The one CSRF mechanism for every HTML form: a signed double-submit token with a scope.

A random nonce lives in a cookie; each form carries a keyed hash (HMAC with a key
derived from the app's secret) of that nonce, one scope (a decision id, "demo", the
console's sign-in form, or one console session) and the time it was issued. A
cross-site page can send the cookie but cannot read it, nor make the hash without the
key, so it cannot make a token the check accepts. The form field is always
``csrf_token``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from functools import lru_cache

from flask import Flask, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from explainer.web.context import settings

__all__ = ["COOKIE", "FIELD", "init_app", "token", "valid"]

COOKIE = "explainer_csrf"
FIELD = "csrf_token"
_SALT = "explainer.form-csrf.v1"
_KEY_LABEL = b"explainer.form-csrf.v2"
_MAX_AGE = 2 * 86_400  # a page left open over a weekend still posts
_SKEW = 300  # seconds a token may come from a clock ahead of this one
_NONCE_LENGTH = 32


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    # A key of its own for form tokens, derived once per secret.
    return hmac.new(secret.encode("utf-8"), _KEY_LABEL, hashlib.sha256).digest()


def _mac(nonce: str, scope: str, issued: str) -> str:
    message = f"{nonce}\n{scope}\n{issued}".encode()
    digest = hmac.new(_key(settings().secret), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token(scope: str) -> str:
    """A form token for ``scope``; the nonce cookie is set on the way out when new.

    The token is ``<issued>.<HMAC(nonce, scope, issued)>``: the nonce and the scope are
    not in it, because the check knows both (the cookie, the form's target). One keyed
    hash per page, where the signed-serializer form cost five times as much.
    """
    nonce = g.get("csrf_nonce") or request.cookies.get(COOKIE) or ""
    if len(nonce) != _NONCE_LENGTH:
        nonce = secrets.token_urlsafe(24)
    g.csrf_nonce = nonce
    issued = str(int(time.time()))
    return f"{issued}.{_mac(nonce, scope, issued)}"


def valid(scope: str) -> bool:
    """Whether the posted form's token was made for ``scope`` with this client's nonce."""
    cookie = request.cookies.get(COOKIE, "")
    sent = request.form.get(FIELD, "")
    if not cookie:
        return False
    issued, dot, mac = sent.partition(".")
    # ASCII only: str.isdigit() also takes "²", which int() refuses, and compare_digest
    # refuses non-ASCII text; a crafted token must be refused, not raise.
    if not (dot and issued.isascii() and issued.isdigit() and len(issued) <= 12):
        return _valid_v1(sent, cookie, scope)
    age = time.time() - int(issued)
    if not -_SKEW <= age <= _MAX_AGE:
        return False
    return hmac.compare_digest(mac.encode(), _mac(cookie, scope, issued).encode())


def _valid_v1(sent: str, cookie: str, scope: str) -> bool:
    # Tokens of the earlier signed-serializer form, on pages opened before an upgrade:
    # accepted for as long as they could still be live (_MAX_AGE).
    try:
        nonce, signed_scope = _serializer_v1(settings().secret).loads(sent, max_age=_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return False
    return hmac.compare_digest(str(nonce).encode(), cookie.encode()) and signed_scope == scope


@lru_cache(maxsize=4)
def _serializer_v1(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_SALT)


def _set_cookie(response: Response) -> Response:
    nonce = g.get("csrf_nonce")
    if nonce and request.cookies.get(COOKIE) != nonce:
        secure = settings().public_url.startswith("https://") or request.is_secure
        response.set_cookie(COOKIE, nonce, httponly=True, samesite="Lax", secure=secure)
    return response


def init_app(app: Flask) -> None:
    """Send the nonce cookie whenever a response's forms needed a new one."""
    app.after_request(_set_cookie)
