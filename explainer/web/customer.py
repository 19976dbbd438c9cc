"""Customer blueprint: the "why?" page, review requests and feedback.

The link token is the credential. A wrong, tampered, expired, revoked or unknown token
all get the same plain 404. ``Accept: application/json`` on the page gives the
widget's JSON form; the two actions take HTML forms (with a CSRF token) or JSON.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from explainer.links import LinkSigner
from explainer.web import widget
from explainer.web.customer_forms import (
    ActionError,
    clean_comment,
    csrf_token,
    read_action,
    set_csrf_cookie,
)
from explainer.web.customer_page import page_view

__all__ = ["bp", "resolve", "signer"]

bp = Blueprint("customer", __name__, static_folder="static", static_url_path="/customer-static")
bp.register_blueprint(widget.bp)

_MAX_TOKEN = 512  # a real token is about 80 characters; longer ones are not worth a query


def _service() -> Any:
    return current_app.extensions["explainer"]


def signer() -> LinkSigner:
    """The service's link signer (``signer``, or ``links`` in older wiring)."""
    service = _service()
    found = getattr(service, "signer", None) or service.links
    assert isinstance(found, LinkSigner)
    return found


def resolve(token: str) -> tuple[str, dict[str, Any]]:
    """The decision a live link names; aborts with the one plain 404 otherwise."""
    decision_id, decision, _, _ = _resolve_view(token)
    return decision_id, decision


def _resolve_view(
    token: str,
) -> tuple[str, dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The live link's decision with its reviews and feedback (one database connection)."""
    decision_id = signer().decision_id(token) if len(token) <= _MAX_TOKEN else None
    found = _service().store.customer_view(decision_id) if decision_id else None
    if found is None or found[0].get("id") != decision_id:
        abort(_not_found())
    return str(decision_id), *found


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
    return set_csrf_cookie(response)


@bp.get("/why/<token>")
def why(token: str) -> ResponseReturnValue:
    """The customer page, or its JSON form for the widget."""
    decision_id, decision, reviews, feedback_ = _resolve_view(token)
    view = _view(token, decision, reviews, feedback_)
    if _wants_json():
        return jsonify(view)
    return _page(token, decision_id, view)


@bp.post("/why/<token>/review")
def review(token: str) -> ResponseReturnValue:
    """Ask a person to review the decision (one pending request at a time)."""
    decision_id, decision, reviews, feedback_ = _resolve_view(token)
    try:
        data, as_json = read_action(decision_id)
        comment = clean_comment(data.get("comment"))
    except ActionError as exc:
        return _rejected(token, decision_id, _view(token, decision, reviews, feedback_), exc)
    if not any(r.get("status") == "pending" for r in reviews):
        _service().store.add_review_request(decision_id, comment)
    return _done(token, decision_id, decision, as_json, "review")


@bp.post("/why/<token>/feedback")
def feedback(token: str) -> ResponseReturnValue:
    """Record whether the explanation helped (the first answer counts)."""
    decision_id, decision, reviews, feedback_ = _resolve_view(token)
    try:
        data, as_json = read_action(decision_id)
        helpful = _helpful(data.get("helpful"))
        comment = clean_comment(data.get("comment"))
    except ActionError as exc:
        return _rejected(token, decision_id, _view(token, decision, reviews, feedback_), exc)
    if not feedback_:
        _service().store.add_feedback(decision_id, helpful, comment)
    return _done(token, decision_id, decision, as_json, "feedback")


def _helpful(raw: Any) -> bool:
    if raw in (True, "yes"):
        return True
    if raw in (False, "no"):
        return False
    raise ActionError(422, "Choose yes or no.")


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _view(
    token: str,
    decision: dict[str, Any],
    reviews: list[dict[str, Any]],
    feedback_: list[dict[str, Any]],
) -> dict[str, Any]:
    actions = {
        "review": url_for("customer.review", token=token),
        "feedback": url_for("customer.feedback", token=token),
    }
    return page_view(decision, reviews, feedback_, actions)


def _page(token: str, decision_id: str, view: dict[str, Any], error: str | None = None) -> str:
    return render_template(
        "customer/why.html", view=view, csrf=csrf_token(decision_id), error=error
    )


def _done(
    token: str, decision_id: str, decision: dict[str, Any], as_json: bool, anchor: str
) -> ResponseReturnValue:
    if as_json:  # after the action: the page as it now stands
        store = _service().store
        reviews, feedback_ = store.reviews_for(decision_id), store.feedback_for(decision_id)
        return jsonify(_view(token, decision, reviews, feedback_))
    return redirect(url_for("customer.why", token=token, _anchor=anchor), code=303)


def _rejected(
    token: str, decision_id: str, view: dict[str, Any], exc: ActionError
) -> ResponseReturnValue:
    if request.mimetype == "application/json" or exc.status == 415:
        return jsonify({"error": exc.message}), exc.status
    return _page(token, decision_id, view, error=exc.message), exc.status
