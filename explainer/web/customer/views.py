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
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import refresh

from explainer.service.customers import CustomerView
from explainer.web import csrf
from explainer.web.context import service, settings
from explainer.web.customer import widget
from explainer.web.customer.forms import N_, ActionError, clean_comment, read_action
from explainer.web.customer.page import page_view
from explainer.web.customer.page_cache import CSRF_MARK, NONCE_MARK, PageCache
from explainer.web.i18n import browser_language, gettext
from explainer.web.security import csp_nonce
from explainer.wording.words import pick, words_for

__all__ = ["bp", "live_view"]

bp = Blueprint("customer", __name__, static_folder="static", static_url_path="/customer-static")
bp.register_blueprint(widget.bp)


def live_view(token: str) -> CustomerView:
    """The decision a live link names; aborts with the one plain 404 otherwise."""
    found = service().customers.view(token)
    if found is None:
        abort(_not_found())
    _choose_language(found.decision.ticket.language)
    return found


def _choose_language(ticket_language: str | None) -> None:
    """The ticket's language when we ship it; otherwise the reader's Accept-Language
    (docs/languages.md): an English ticket stays English, an untagged one follows the
    browser."""
    g.page_language = pick(ticket_language) or browser_language()
    refresh()  # the locale may have been read before the ticket was known


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
        # One update: each add re-reads and re-writes the header (a quarter of this hook).
        response.vary.update(("Accept", "Accept-Language", "Origin"))
        widget.allow_origin(response)
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
    raise ActionError(422, N_("Choose yes or no."))


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _page_view(token: str, view: CustomerView, widget: bool = True) -> dict[str, Any]:
    actions = {
        "review": url_for("customer.review", token=token),
        "feedback": url_for("customer.feedback", token=token),
        "receipts": url_for("customer.receipts", token=token),
    }
    retention = settings().retention_days
    lang = str(g.get("page_language") or "en")
    svc = service()
    return page_view(
        view.decision.wire(),
        view.reviews,
        view.feedback,
        actions,
        retention,
        labels=lambda model, label: svc.label_info(model, label, lang),
        words=words_for(lang),
        names=svc.names,
        _=gettext,
    ) | ({"ui": _widget_strings()} if widget else {})


def _widget_strings() -> dict[str, str]:
    """The widget panel's own strings in the page's language (the page has them inline)."""
    return {
        "title": gettext("Why your ticket was handled this way"),
        "close": gettext("Close"),
        "optional": gettext("(optional)"),
        "reviewed": gettext("A person has reviewed this."),
        "requested": gettext("Review requested. Status:"),
        "pending": gettext("pending"),
        "review_comment": gettext("Anything the reviewer should know?"),
        "review": gettext("Ask a person to review this"),
        "thanks": gettext("Thank you for your feedback."),
        "tell_more": gettext("Tell us more"),
        "yes": gettext("Yes, it helped"),
        "no": gettext("No, it didn't"),
        "message": gettext("Your message, with the words that mattered highlighted"),
        "original": gettext("The AI's original decision, before the person's review"),
        "why_ai": gettext("Why the AI decided as it did"),
        "why_priority": gettext("Why the system set this priority"),
        "reasons": gettext("The main reasons"),
        "about": gettext("About this decision"),
        "feedback": gettext("Did this explanation help?"),
    }


def _page(token: str, view: CustomerView, error: str | None = None) -> str:
    if error is not None:  # a refused form: rare, and it shows what was sent
        return _render(token, view, csrf.token(view.decision_id), error)
    pages: PageCache = current_app.extensions.setdefault("explainer.pages", PageCache())
    state = (
        token,
        g.get("page_language"),
        repr(view.reviews),
        repr(view.feedback),
        service().serving,  # label names come from the models in service
    )
    key = (view.decision_id, not view.decision.erased, state)
    nonce = csp_nonce()  # the one the response's header names

    def render() -> str:
        g.csp_nonce = NONCE_MARK
        try:
            return _render(token, view, CSRF_MARK, None)
        finally:
            g.csp_nonce = nonce

    return pages.page(key, render, nonce, csrf.token(view.decision_id))


def _render(token: str, view: CustomerView, form_token: str, error: str | None) -> str:
    return render_template(
        "customer/why.html",
        view=_page_view(token, view, widget=False),
        csrf=form_token,
        error=error,
    )


def _done(token: str, view: CustomerView, as_json: bool, anchor: str) -> ResponseReturnValue:
    if as_json:  # after the action: the page as it now stands
        return jsonify(_page_view(token, service().customers.refreshed(view)))
    return redirect(url_for("customer.why", token=token, _anchor=anchor), code=303)


def _rejected(token: str, view: CustomerView, exc: ActionError) -> ResponseReturnValue:
    if request.mimetype == "application/json" or exc.status == 415:
        return jsonify({"error": exc.message}), exc.status
    return _page(token, view, error=gettext(exc.message)), exc.status
