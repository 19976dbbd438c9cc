"""Reading the customer's actions: CSRF for HTML forms, JSON for the widget, comments.

HTML forms carry a signed double-submit token: a random nonce in a cookie and, in the
form, the nonce signed with the app's secret and bound to one scope (a decision id,
or "demo"). A forged cross-site form has the cookie but cannot sign its nonce. The
widget's JSON posts carry no cookie: their ``Content-Type: application/json`` forces a
CORS preflight, and a listed origin is the only one answered.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from explainer.schemas import clean_text
from explainer.web.customer.page import MAX_COMMENT
from explainer.web.customer.widget import origin_allowed

__all__ = ["ActionError", "clean_comment", "csrf_token", "read_action", "set_csrf_cookie"]

CSRF_COOKIE = "explainer_csrf"
CSRF_FIELD = "csrf_token"
_SALT = "explainer.form-csrf.v1"
_MAX_AGE = 2 * 86_400  # a page left open over a weekend still posts
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass
class ActionError(Exception):
    """A rejected action: the HTTP status and a message safe to show."""

    status: int
    message: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=_SALT)


def csrf_token(scope: str) -> str:
    """A form token for ``scope``; the matching cookie is set on the way out."""
    nonce = g.get("csrf_nonce") or request.cookies.get(CSRF_COOKIE) or ""
    if len(nonce) != 32:
        nonce = secrets.token_urlsafe(24)
    g.csrf_nonce = nonce
    return str(_serializer().dumps([nonce, scope]))


def _csrf_valid(scope: str) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    try:
        nonce, signed_scope = _serializer().loads(
            request.form.get(CSRF_FIELD, ""), max_age=_MAX_AGE
        )
    except (BadSignature, ValueError, TypeError):
        return False
    return bool(cookie) and hmac.compare_digest(str(nonce), cookie) and signed_scope == scope


def set_csrf_cookie(response: Response) -> Response:
    """Send the nonce cookie when this request made (or renewed) one."""
    nonce = g.get("csrf_nonce")
    if nonce and request.cookies.get(CSRF_COOKIE) != nonce:
        response.set_cookie(
            CSRF_COOKIE, nonce, httponly=True, samesite="Lax", secure=request.is_secure
        )
    return response


def read_action(scope: str) -> tuple[dict[str, Any], bool]:
    """The posted fields and whether they came as JSON; ActionError when not acceptable."""
    if request.mimetype == "application/json":
        origin = request.headers.get("Origin")
        if origin and not origin_allowed(origin):
            raise ActionError(403, "This site may not post here.")
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ActionError(400, "The request body must be a JSON object.")
        return data, True
    if request.mimetype in _FORMS:
        if not _csrf_valid(scope):
            raise ActionError(400, "This form has expired. Please reload the page and try again.")
        return request.form.to_dict(), False
    raise ActionError(415, "Send a form or application/json.")


def clean_comment(raw: Any) -> str | None:
    """An optional comment: text, at most MAX_COMMENT characters, no NUL or lone surrogate."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ActionError(422, "The comment must be text.")
    try:
        clean_text(raw)
    except ValueError as exc:
        raise ActionError(422, f"The comment {exc}.") from exc
    text = raw.strip()
    if len(text) > MAX_COMMENT:
        raise ActionError(422, f"The comment is too long (at most {MAX_COMMENT:,} characters).")
    return text or None
