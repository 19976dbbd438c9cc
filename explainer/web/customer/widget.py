"""The help-widget script and the CORS rules that let allowed sites use it.

``/widget.js`` is public. The ``/why/`` JSON answers carry CORS headers only for an
origin listed in ``WIDGET_ORIGINS``; preflights (the widget's JSON POSTs trigger one)
are answered here. The link token in the URL is the credential, so credentials are
never allowed cross-origin.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, request

from explainer.web.context import settings

__all__ = ["STATIC", "add_cors", "allow_origin", "allowed_origin", "bp", "origin_allowed"]

STATIC = Path(__file__).resolve().parent / "static"
_PREFLIGHT_MAX_AGE = "600"

bp = Blueprint("widget", __name__)


@bp.get("/widget.js")
def script() -> Response:
    """The embeddable script (no data in it: it reads ``data-why-url`` at run time)."""
    response = Response((STATIC / "widget.js").read_bytes(), mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return add_cors(response)


def origin_allowed(origin: str) -> bool:
    """Whether ``origin`` is our own or listed in ``WIDGET_ORIGINS``."""
    own = request.host_url.rstrip("/")
    listed = [o.rstrip("/") for o in settings().widget_origins]
    return origin == own or origin in listed


def allowed_origin() -> str | None:
    """The request's ``Origin`` when it is listed in ``WIDGET_ORIGINS``, else None."""
    origin = request.headers.get("Origin")
    listed = [o.rstrip("/") for o in settings().widget_origins]
    return origin if origin and origin in listed else None


def add_cors(response: Response) -> Response:
    """Add CORS headers for an allowed origin (and answer a preflight's questions)."""
    response.vary.add("Origin")
    return allow_origin(response)


def allow_origin(response: Response) -> Response:
    """:func:`add_cors` for a response whose ``Vary`` already names ``Origin``."""
    origin = allowed_origin()
    if origin is None:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        response.headers["Access-Control-Max-Age"] = _PREFLIGHT_MAX_AGE
    return response
