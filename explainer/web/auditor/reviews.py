"""The review queue: confirm or correct a decision's labels, and export reviewed labels.

A resolution is a new record linked to the decision (the decision never changes);
its ``outcome`` sentence is what the customer's page shows from then on.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from explainer.errors import NotFoundError, ValidationFailed
from explainer.model.registry import MODEL_NAMES
from explainer.web.auditor.auth import check_csrf, current_user, require_role
from explainer.web.auditor.downloads import csv_download
from explainer.web.context import service

__all__ = ["EXPORT_COLUMNS", "register"]

EXPORT_COLUMNS = (
    "subject",
    "body",
    "channel",
    "plan",
    "account_age_days",
    "open_tickets",
    "intent",
    "priority",
)
MAX_NOTE = 2_000
PER_PAGE = 25


def register(bp: Blueprint) -> None:
    """Add the queue, the resolve action and the export to the auditor blueprint."""
    bp.add_url_rule("/reviews", "reviews", queue_page, methods=["GET"])
    bp.add_url_rule("/reviews/<decision_id>", "resolve", resolve_action, methods=["POST"])
    bp.add_url_rule("/reviews/export.csv", "export", export_csv, methods=["GET"])


@require_role("auditor")
def queue_page() -> str:
    """The triage queue: unresolved hand-offs first, then open customer requests."""
    raw = request.args.get("page", "1")
    page = int(raw) if raw.isdecimal() and 0 < int(raw) < 100_000 else 1
    console = service().console
    viewer = current_user()
    assert viewer is not None  # require_role let the request in
    rows, total = console.review_queue(page, PER_PAGE, viewer)
    return render_template(
        "auditor/reviews.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        choices=console.label_choices(),
        done=request.args.get("done"),
    )


def _labels() -> dict[str, str | None]:
    if request.form.get("action") == "confirm":
        return {}
    return {model: request.form.get(model) or None for model in MODEL_NAMES}


@require_role("reviewer")
def resolve_action(decision_id: str) -> Response:
    """Record a reviewer's confirmation or correction (a logged record)."""
    check_csrf()
    note = (request.form.get("note") or "").strip()[:MAX_NOTE] or None
    user = current_user()
    assert user is not None  # require_role let us in
    try:
        service().console.resolve(decision_id, user.username, _labels(), note)
    except NotFoundError:
        abort(404)
    except ValidationFailed as exc:
        abort(422, description=exc.detail)
    if request.form.get("back") == "decision":
        return redirect(url_for("auditor.decision", decision_id=decision_id), code=303)
    return redirect(url_for("auditor.reviews", done=decision_id), code=303)


def _training_row(item: dict[str, Any]) -> dict[str, Any]:
    ticket = item["decision"].ticket
    return {
        "subject": ticket.subject,
        "body": ticket.body,
        "channel": ticket.channel,
        "plan": ticket.customer.plan,
        "account_age_days": ticket.customer.account_age_days,
        "open_tickets": ticket.customer.open_tickets,
        "intent": item["intent"],
        "priority": item["priority"],
    }


@require_role("reviewer")
def export_csv() -> Response:
    """Reviewed labels as a training CSV (``explainer train --data`` reads it)."""
    rows = [_training_row(item) for item in service().console.reviewed()]
    return csv_download("reviewed-labels.csv", EXPORT_COLUMNS, rows)
