"""One translation of errors per surface: problem+json under /api/, HTML pages elsewhere.

RFC 9457 problem details: ``type`` is a stable URI per kind of error, ``title`` its
short name, ``detail`` a human explanation of this occurrence, ``instance`` the path.
Unexpected exceptions become a 500 whose body reveals nothing of the cause; the log
records the exception type and the route, never the request body.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, render_template, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from explainer.errors import ExplainerError

__all__ = [
    "PROBLEM_BASE",
    "PROBLEM_JSON",
    "field_errors",
    "init_app",
    "problem_body",
    "problem_response",
]

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://explainer.dev/problems/"
log = logging.getLogger("explainer.web")

# Werkzeug's HTTP errors mapped to stable problem slugs.
_HTTP_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation",
    429: "too-many-requests",
}


def field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic errors as ``{"loc", "msg", "type"}`` (the input value is never echoed)."""
    return [
        {"loc": [_safe(p) for p in e["loc"]], "msg": _safe(e["msg"]), "type": e["type"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """An ``application/problem+json`` response."""
    from flask import json

    body = problem_body(status, slug, title, detail, **extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def problem_body(status: int, slug: str, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The RFC 9457 fields of one problem (``instance`` is this request's path)."""
    return {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": _safe(request.path),
        **extra,
    }


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``."""
    app.register_error_handler(ExplainerError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


# Machine endpoints outside /api/ that answer errors as problem+json too.
_MACHINE_PATHS = frozenset({"/metrics", "/healthz", "/readyz"})


def _wants_problem() -> bool:
    return request.path.startswith("/api/") or request.path in _MACHINE_PATHS


def _domain_error(exc: ExplainerError) -> Response | tuple[str, int]:
    if exc.status >= 500:
        log.error("%s on %s %s", type(exc).__name__, request.method, request.path)
    extra = {k: v for k, v in exc.extra.items() if k in ("errors",)}
    headers = dict(getattr(exc, "headers", None) or {})
    if _wants_problem():
        return problem_response(
            exc.status, exc.type_slug, exc.title, exc.detail, headers=headers, **extra
        )
    page, code = _page(exc.status, exc.title, exc.detail)
    return Response(page, status=code, headers=headers, mimetype="text/html")


def _http_error(exc: HTTPException) -> Response | tuple[str, int]:
    status = exc.code or 500
    title = exc.name or "Error"
    detail = exc.description or title
    # Keep Allow (405) and WWW-Authenticate (401); the body's type is ours to set.
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    if _wants_problem():
        slug = _HTTP_SLUGS.get(status, "http-error")
        return problem_response(status, slug, title, detail, headers=headers)
    page, code = _page(status, title, detail)
    return Response(page, status=code, headers=headers, mimetype="text/html")


def _unexpected(exc: Exception) -> Response | tuple[str, int]:
    if isinstance(exc, HTTPException):  # pragma: no cover - routed above by Flask
        return _http_error(exc)
    # Log the kind of failure and where, not the request or the message (either may
    # quote personal data from the ticket).
    log.error(
        "unexpected %s on %s %s",
        type(exc).__name__,
        request.method,
        request.url_rule.rule if request.url_rule else "?",
    )
    detail = "The server could not complete the request; nothing was stored."
    if _wants_problem():
        return problem_response(500, "internal", "Internal error", detail)
    return _page(500, "Internal error", detail)


def _page(status: int, title: str, detail: str) -> tuple[str, int]:
    name = "errors/404.html" if status == 404 else "errors/error.html"
    return render_template(name, status=status, title=title, detail=detail), status


def _safe(value: Any) -> Any:
    """Strings that survive UTF-8 encoding (lone surrogates become "?")."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    return value
