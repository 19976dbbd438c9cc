"""Customer blueprint: the "why?" page, review requests and feedback.

The link token is the credential. A wrong, tampered, expired, revoked or unknown token
all get the same plain 404. ``Accept: application/json`` on the page gives the
widget's JSON form; the two actions take HTML forms (with a CSRF token) or JSON.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from explainer.service.customers import CustomerView
from explainer.web import csrf
from explainer.web.context import service, settings
from explainer.web.customer import widget
from explainer.web.customer.forms import ActionError, clean_comment, read_action
from explainer.web.customer.page import page_view

__all__ = ["bp", "live_view"]

bp = Blueprint("customer", __name__, static_folder="static", static_url_path="/customer-static")
bp.register_blueprint(widget.bp)


def live_view(token: str) -> CustomerView:
    """The decision a live link names; aborts with the one plain 404 otherwise."""
    found = service().customers.view(token)
    if found is None:
        abort(_not_found())
    return found


def _not_found() -> Response:
    # Its own page, byte-identical whatever was wrong with the link (no nonce in it).
    response = make_response(render_template("customer/not_found.html"), 404)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.after_request
def _headers(response: Response) -> Response:
    if request.path.startswith("/why/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.vary.add("Accept")
        widget.add_cors(response)
    elif request.path.startswith(bp.static_url_path or "/customer-static"):
        widget.add_cors(response)  # the widget's stylesheet, readable by tools such as axe
    return response


@bp.get("/why/<token>")
def why(token: str) -> ResponseReturnValue:
    """The customer page, or its JSON form for the widget."""
    view = live_view(token)
    if _wants_json():
        return jsonify(_page_view(token, view))
    return _page(token, view)


@bp.get("/why/<token>/receipts.jsonl")
def receipts(token: str) -> Response:
    """The log's receipts for this decision and the customer's requests, one per line:
    what ``explainer audit verify --receipts`` and docs/log.md's verifier take."""
    view = live_view(token)
    lines = [json.dumps(r, sort_keys=True) for r in service().customers.receipts(view)]
    response = Response("\n".join(lines) + "\n", mimetype="application/jsonl")
    name = f"receipts-{view.decision_id}.jsonl"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/why/<token>/review")
def review(token: str) -> ResponseReturnValue:
    """Ask a person to review the decision (one pending request at a time)."""
    view = live_view(token)
    try:
        data, as_json = read_action(view.decision_id)
        comment = clean_comment(data.get("comment"))
    except ActionError as exc:
        return _rejected(token, view, exc)
    service().customers.request_review(view, comment)
    return _done(token, view, as_json, "review")


@bp.post("/why/<token>/feedback")
def feedback(token: str) -> ResponseReturnValue:
    """Record whether the explanation helped (the first answer counts)."""
    view = live_view(token)
    try:
        data, as_json = read_action(view.decision_id)
        helpful = _helpful(data.get("helpful"))
        comment = clean_comment(data.get("comment"))
    except ActionError as exc:
        return _rejected(token, view, exc)
    service().customers.give_feedback(view, helpful, comment)
    return _done(token, view, as_json, "feedback")


def _helpful(raw: Any) -> bool:
    if raw in (True, "yes"):
        return True
    if raw in (False, "no"):
        return False
    raise ActionError(422, "Choose yes or no.")


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _page_view(token: str, view: CustomerView) -> dict[str, Any]:
    actions = {
        "review": url_for("customer.review", token=token),
        "feedback": url_for("customer.feedback", token=token),
        "receipts": url_for("customer.receipts", token=token),
    }
    retention = settings().retention_days
    return page_view(
        view.decision.wire(),
        view.reviews,
        view.feedback,
        actions,
        retention,
        labels=service().label_info,
    )


def _page(token: str, view: CustomerView, error: str | None = None) -> str:
    return render_template(
        "customer/why.html",
        view=_page_view(token, view),
        csrf=csrf.token(view.decision_id),
        error=error,
    )


def _done(token: str, view: CustomerView, as_json: bool, anchor: str) -> ResponseReturnValue:
    if as_json:  # after the action: the page as it now stands
        return jsonify(_page_view(token, service().customers.refreshed(view)))
    return redirect(url_for("customer.why", token=token, _anchor=anchor), code=303)


def _rejected(token: str, view: CustomerView, exc: ActionError) -> ResponseReturnValue:
    if request.mimetype == "application/json" or exc.status == 415:
        return jsonify({"error": exc.message}), exc.status
    return _page(token, view, error=exc.message), exc.status
