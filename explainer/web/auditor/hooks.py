"""Admin page: webhook subscriptions and messages, with a replay button for dead ones."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from explainer.errors import NotFoundError
from explainer.web.auditor.auth import check_csrf, require_role
from explainer.web.context import service

__all__ = ["register"]

_STATES = ("dead", "pending", "delivered")


def register(bp: Blueprint) -> None:
    """Add the webhooks page and its replay action to the auditor blueprint."""
    bp.add_url_rule("/webhooks", "webhooks", webhooks_page, methods=["GET"])
    bp.add_url_rule("/webhooks/<msg_id>/replay", "replay", replay, methods=["POST"])


@require_role("admin")
def webhooks_page() -> str:
    """Subscriptions, then messages (dead-lettered first by default)."""
    state = request.args.get("state", "dead")
    hooks = service().webhooks
    return render_template(
        "auditor/webhooks.html",
        subscriptions=hooks.listing(),
        messages=hooks.messages(state if state in _STATES else None),
        state=state if state in _STATES else "all",
        states=_STATES,
    )


@require_role("admin")
def replay(msg_id: str) -> Response:
    """Queue a message again, with the same webhook-id."""
    check_csrf()
    try:
        service().webhooks.replay(msg_id)
    except NotFoundError:
        abort(404)
    return redirect(url_for("auditor.webhooks", state="pending"), code=303)
