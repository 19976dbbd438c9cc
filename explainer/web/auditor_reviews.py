"""The review queue: confirm or correct a decision's labels, and export reviewed labels.

A resolution is a new record linked to the decision (the decision never changes);
its ``outcome`` sentence is what the customer's page shows from then on.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from explainer.narrative_review import review_outcome
from explainer.service import DECISION_ID
from explainer.store.accounts import recording
from explainer.store.resolutions import queue, resolve, reviewed
from explainer.web.auditor_auth import check_csrf, current_user, require_role
from explainer.web.auditor_detail import label_choices

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
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet formula starters


def register(bp: Blueprint) -> None:
    """Add the queue, the resolve action and the export to the auditor blueprint."""
    bp.add_url_rule("/reviews", "reviews", queue_page, methods=["GET"])
    bp.add_url_rule("/reviews/<decision_id>", "resolve", resolve_action, methods=["POST"])
    bp.add_url_rule("/reviews/export.csv", "export", export_csv, methods=["GET"])


def _service() -> Any:
    return current_app.extensions["explainer"]


@require_role("auditor")
def queue_page() -> str:
    """Open customer requests first, then unreviewed low-confidence decisions."""
    raw = request.args.get("page", "1")
    page = int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1
    with _service().store.engine.connect() as conn:
        rows, total = queue(conn, PER_PAGE, (page - 1) * PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "auditor/reviews.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        choices=label_choices(_service().cards),
        done=request.args.get("done"),
    )


def _labels(decision: dict[str, Any], choices: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    if request.form.get("action") == "confirm":
        return {}
    labels: dict[str, Any] = {}
    for model in ("intent", "priority"):
        value = request.form.get(model) or None
        allowed = {c["label"] for c in choices.get(model, [])} | {
            (decision.get(model) or {}).get("label")
        }
        if value is not None and value not in allowed:
            abort(422, description=f"Unknown {model} label.")
        labels[model] = value
    return labels


@require_role("reviewer")
def resolve_action(decision_id: str) -> Response:
    """Record a reviewer's confirmation or correction (a logged record)."""
    check_csrf()
    service = _service()
    decision = (
        service.store.get_decision(decision_id) if DECISION_ID.fullmatch(decision_id) else None
    )
    if decision is None:
        abort(404)
    choices = label_choices(service.cards)
    labels = _labels(decision, choices)
    note = (request.form.get("note") or "").strip()[:MAX_NOTE] or None
    before = {m: (decision.get(m) or {}).get("label") for m in ("intent", "priority")}
    after = {m: labels.get(m) or before[m] for m in before}
    displays = {m: {c["label"]: c["display"] for c in choices[m]} for m in choices}
    user = current_user()
    assert user is not None  # require_role let us in
    with recording(service.store) as rec:
        resolve(
            rec, decision_id, user.username, after, note, review_outcome(before, after, displays)
        )
    back = request.form.get("back")
    if back == "decision":
        return redirect(url_for("auditor.decision", decision_id=decision_id), code=303)
    return redirect(url_for("auditor.reviews", done=decision_id), code=303)


def _cell(value: Any) -> Any:
    text = "" if value is None else value
    if isinstance(text, str) and text.startswith(_FORMULA):
        return "'" + text  # keep spreadsheets from running it as a formula
    return text


@require_role("reviewer")
def export_csv() -> Response:
    """Reviewed labels as a training CSV (``explainer train --data`` reads it)."""
    with _service().store.engine.connect() as conn:
        items = reviewed(conn)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for item in items:
        ticket = item["decision"].get("ticket") or {}
        customer = ticket.get("customer") or {}
        writer.writerow(
            _cell(v)
            for v in (
                ticket.get("subject"),
                ticket.get("body"),
                ticket.get("channel"),
                customer.get("plan"),
                customer.get("account_age_days") or 0,
                customer.get("open_tickets") or 0,
                item["intent"],
                item["priority"],
            )
        )
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="reviewed-labels.csv"'
    return response
