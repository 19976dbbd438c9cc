"""Reading the customer's actions: CSRF for HTML forms, JSON for the widget, comments.

HTML forms carry the CSRF token of :mod:`explainer.web.csrf`, scoped to one decision id
(or "demo"). The widget's JSON posts carry no cookie: their ``Content-Type:
application/json`` forces a CORS preflight, and a listed origin is the only one answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request

from explainer.schemas import clean_text
from explainer.web import csrf
from explainer.web.customer.page import MAX_COMMENT
from explainer.web.customer.widget import origin_allowed

__all__ = ["N_", "ActionError", "clean_comment", "read_action"]

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def N_(message: str) -> str:
    """Marks a message for the catalogues; it is translated where it is shown."""
    return message


@dataclass
class ActionError(Exception):
    """A rejected action: the HTTP status and a message safe to show."""

    status: int
    message: str


def read_action(scope: str) -> tuple[dict[str, Any], bool]:
    """The posted fields and whether they came as JSON; ActionError when not acceptable."""
    if request.mimetype == "application/json":
        origin = request.headers.get("Origin")
        if origin and not origin_allowed(origin):
            raise ActionError(403, "This site may not post here.")
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ActionError(400, "The request body must be a JSON object.")
        return data, True
    if request.mimetype in _FORMS:
        if not csrf.valid(scope):
            raise ActionError(
                400, N_("This form has expired. Please reload the page and try again.")
            )
        return request.form.to_dict(), False
    raise ActionError(415, "Send a form or application/json.")


def clean_comment(raw: Any) -> str | None:
    """An optional comment: text, at most MAX_COMMENT characters, no NUL or lone surrogate."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ActionError(422, "The comment must be text.")
    try:
        clean_text(raw)
    except ValueError as exc:
        raise ActionError(422, f"The comment {exc}.") from exc
    text = raw.strip()
    if len(text) > MAX_COMMENT:
        raise ActionError(422, f"The comment is too long (at most {MAX_COMMENT:,} characters).")
    return text or None
