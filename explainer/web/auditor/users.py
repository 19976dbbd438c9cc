"""Admin page: console users, created and disabled (each change is a logged record)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from explainer.errors import ExplainerError
from explainer.oversight.roles import ROLES
from explainer.web.auditor.auth import check_csrf, current_user, require_role
from explainer.web.context import service

__all__ = ["register"]


def register(bp: Blueprint) -> None:
    """Add the users page and its actions to the auditor blueprint."""
    bp.add_url_rule("/users", "users", users_page, methods=["GET"])
    bp.add_url_rule("/users", "create_user", create_user, methods=["POST"])
    bp.add_url_rule("/users/<username>/disabled", "set_disabled", set_disabled, methods=["POST"])


def _page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "auditor/users.html", users=service().accounts.list_users(), roles=ROLES, error=error
    )
    return page, status


@require_role("admin")
def users_page() -> tuple[str, int]:
    """Every user, with the forms to add one or disable one."""
    return _page()


def _actor() -> str:
    user = current_user()
    assert user is not None  # require_role let us in
    return user.username


@require_role("admin")
def create_user() -> Response | tuple[str, int]:
    """Add a user with a role and an initial password."""
    check_csrf()
    form = request.form
    try:
        service().accounts.create_user(
            form.get("username", ""), form.get("password", ""), form.get("role", ""), _actor()
        )
    except ExplainerError as exc:
        return _page(exc.detail, exc.status)
    return redirect(url_for("auditor.users"), code=303)


@require_role("admin")
def set_disabled(username: str) -> Response | tuple[str, int]:
    """Disable (ending their sessions) or re-enable a user."""
    check_csrf()
    disabled = request.form.get("disabled") == "yes"
    if disabled and username == _actor():
        return _page("You cannot disable your own account.", 409)
    try:
        service().accounts.set_disabled(username, disabled, _actor())
    except ExplainerError as exc:
        if exc.status == 404:
            abort(404)
        return _page(exc.detail, exc.status)
    return redirect(url_for("auditor.users"), code=303)
