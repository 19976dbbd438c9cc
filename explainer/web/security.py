"""Security headers on every response, and the per-request CSP nonce.

Templates put ``nonce="{{ csp_nonce() }}"`` on their own ``<script>`` and ``<style>``
tags; nothing inline runs without it (no ``'unsafe-inline'``). Only the customer's pages
(the why page, its forms, the widget) may be framed, and only by ``WIDGET_ORIGINS``
(none by default); the console, the API and everything else refuse every frame, so a
page on a widget origin cannot frame the console under a signed-in session.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from flask import Flask, Response, g, request

from explainer.web.context import settings

__all__ = [
    "FRAMABLE_BLUEPRINTS",
    "PERMISSIONS_POLICY",
    "content_security_policy",
    "csp_nonce",
    "init_app",
]

FRAMABLE_BLUEPRINTS = frozenset({"customer"})  # with its nested widget blueprint
# Powerful features no page of ours uses, refused for us and for anything we embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def csp_nonce() -> str:
    """This request's nonce (made on first use)."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return str(nonce)


def content_security_policy(nonce: str, frame_origins: Iterable[str]) -> str:
    """The CSP header value for one response."""
    ancestors = " ".join(frame_origins) or "'none'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def init_app(app: Flask) -> None:
    """Make the nonce available to templates and add the headers after every request."""
    app.before_request(_make_nonce)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(_headers)


def _make_nonce() -> None:
    csp_nonce()  # a before_request hook must return None, or it becomes the response


def _headers(response: Response) -> Response:
    config = settings()
    framable = (request.blueprint or "").split(".")[0] in FRAMABLE_BLUEPRINTS
    origins = config.widget_origins if framable else []
    h = response.headers
    h["Content-Security-Policy"] = content_security_policy(csp_nonce(), origins)
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "no-referrer"
    h["Permissions-Policy"] = PERMISSIONS_POLICY
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if not origins:
        h["X-Frame-Options"] = "DENY"  # for browsers that ignore frame-ancestors
    if config.public_url.startswith("https://"):
        h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
