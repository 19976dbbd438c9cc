"""A fake help centre (only with ``DEMO`` on): submit a ticket, then ask "Why?".

The form posts server-side through the same service the API uses, recorded as made by
the demo (no API key is shown to the browser). Submissions are rate limited per client
address in memory, per process: good enough for a demo, not a production limiter.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from threading import Lock
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from pydantic import ValidationError

from explainer.schemas import TicketIn
from explainer.web import csrf
from explainer.web.context import service
from explainer.web.customer.forms import ActionError, read_action
from explainer.web.customer.views import live_view

__all__ = ["RateLimiter", "bp"]

RATE = 10  # submissions per client address ...
WINDOW = 60.0  # ... in this many seconds
DEMO_KEY_ID = "demo"
CHANNELS = ("web", "email", "chat", "phone", "social")
PLANS = ("free", "pro", "business", "enterprise")

bp = Blueprint("demo", __name__, url_prefix="/demo")


class RateLimiter:
    """A sliding-window counter per key, in memory, for at most ``max_keys`` keys.

    Past that the least recently seen key is forgotten (its count starts again), so a
    flood of client addresses costs bounded memory instead of growing without end.
    """

    def __init__(self, rate: int, window: float, max_keys: int = 10_000) -> None:
        self.rate, self.window, self.max_keys = rate, window, max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = Lock()

    def __len__(self) -> int:
        return len(self._hits)

    def allow(self, key: str, now: float | None = None) -> bool:
        """Count one hit for ``key``; False when it is over the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            self._hits.move_to_end(key)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.rate:
                return False
            hits.append(now)
            return True


def _limiter() -> RateLimiter:
    limiter = current_app.extensions.get("explainer.demo_limiter")
    if limiter is None:
        limiter = current_app.extensions["explainer.demo_limiter"] = RateLimiter(RATE, WINDOW)
    assert isinstance(limiter, RateLimiter)
    return limiter


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
def form() -> str:
    """The help centre's "contact us" form."""
    return _form({}, None)


@bp.post("")
def submit() -> ResponseReturnValue:
    """Decide, store, and show the confirmation (via a redirect)."""
    try:
        data, _ = read_action("demo")
    except ActionError as exc:
        return _form({}, exc.message), exc.status
    if not _limiter().allow(request.remote_addr or "?"):
        return _form(data, "Too many tickets from here; please wait a minute."), 429
    try:
        ticket = TicketIn.model_validate(_ticket(data))
    except ValidationError as exc:
        return _form(data, _first_error(exc)), 422
    decision, _ = service().create(ticket, idempotency_key=None, api_key_id=DEMO_KEY_ID)
    token = service().customers.token(str(decision.id))
    return redirect(url_for("demo.sent", token=token), code=303)


@bp.get("/sent/<token>")
def sent(token: str) -> str:
    """The confirmation, with the "Why?" link the customer would get by e-mail."""
    decision = live_view(token).decision
    return render_template(
        "demo/sent.html",
        ticket=decision.ticket,
        summary=decision.customer.summary,
        why_url=url_for("customer.why", token=token),
        widget_url=url_for("customer.widget.script"),
    )


def _form(data: dict[str, Any], error: str | None) -> str:
    return render_template(
        "demo/form.html",
        data={k: str(v) for k, v in data.items() if k != "csrf_token"},
        error=error,
        csrf=csrf.token("demo"),
        channels=CHANNELS,
        plans=PLANS,
    )


def _ticket(data: dict[str, Any]) -> dict[str, Any]:
    def number(key: str) -> Any:
        raw = str(data.get(key) or "").strip()
        if not raw:
            return None  # not given: the models read the baseline, no fact is invented
        return int(raw) if raw.isascii() and raw.isdigit() else raw

    return {
        "subject": data.get("subject", ""),
        "body": data.get("body", ""),
        "channel": data.get("channel") or None,
        "language": data.get("language") or None,
        "prefer_person": data.get("prefer_person") == "yes",
        "customer": {
            "name": data.get("name") or None,
            "email": data.get("email") or None,
            "plan": data.get("plan") or None,
            "account_age_days": number("account_age_days"),
            "open_tickets": number("open_tickets"),
        },
    }


def _first_error(exc: ValidationError) -> str:
    err = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(p) for p in err["loc"] if p != "customer") or "ticket"
    return f"Please check {where.replace('_', ' ')}: {err['msg']}"
