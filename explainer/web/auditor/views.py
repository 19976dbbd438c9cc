"""Auditor blueprint (HTML under ``/audit``): sign-in, and the wiring of the console pages.

Every page but the login form needs a live server-side session; signed-out requests
are sent to the login page. Roles nest (admin > reviewer > auditor) and each view
says which it needs. Every form carries a CSRF token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from explainer.web.auditor import hooks, pages, releases, reports, reviews, users
from explainer.web.auditor.auth import (
    SESSION_COOKIE,
    check_csrf,
    csrf_token,
    current_user,
    set_cookie,
)
from explainer.web.context import service

__all__ = ["bp"]

bp = Blueprint(
    "auditor",
    __name__,
    url_prefix="/audit",
    static_folder="static",
    static_url_path="/static",
)
_OPEN = {"auditor.login", "auditor.static"}


@bp.before_request
def _signed_in() -> Response | None:
    if request.endpoint in _OPEN or current_user() is not None:
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auditor.login", next=target))


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


@bp.context_processor
def _context() -> dict[str, Any]:
    return {"audit_user": current_user(), "csrf": csrf_token}


def _safe_next(raw: str | None) -> str:
    """Only a path inside the console (no scheme, host or ``//``) is followed."""
    if raw and raw.startswith("/audit/") and not urlsplit(raw).netloc and "\\" not in raw:
        return raw
    return url_for("auditor.search")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """The sign-in form; a wrong name or password gets one generic message."""
    if request.method == "GET":
        if current_user() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("auditor/login.html", error=None, next=request.args.get("next"))
    check_csrf()
    ip = request.remote_addr or "unknown"
    result = service().accounts.login(
        request.form.get("username", ""), request.form.get("password", ""), ip
    )
    if result.user is None:
        status, error = 401, "Wrong username or password, or the account is disabled."
        if result.throttled:
            status, error = 429, "Too many failed sign-ins. Wait 15 minutes and try again."
        page = render_template("auditor/login.html", error=error, next=request.form.get("next"))
        return page, status
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        service().accounts.end_session(old)
    response = redirect(_safe_next(request.form.get("next")), code=303)
    set_cookie(response, SESSION_COOKIE, service().accounts.open_session(result.user))
    return response


@bp.post("/logout")
def logout() -> Response:
    """End the server-side session (the cookie is worthless afterwards)."""
    check_csrf()
    service().accounts.end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = make_response(redirect(url_for("auditor.login"), code=303))
    response.delete_cookie(SESSION_COOKIE, path="/audit")
    return response


for _pages in (pages, reviews, users, reports, hooks, releases):
    _pages.register(bp)
