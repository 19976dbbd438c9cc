"""Console pages for every signed-in role: decision search, decision detail, log check."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request

from explainer.errors import NotFoundError
from explainer.oversight.query import EQUALS, HANDOFF_STATES, REVIEW_STATES, SORTS, SearchQuery
from explainer.web.auditor.auth import current_user, require_role
from explainer.web.auditor.detail import decision_view
from explainer.web.context import service

__all__ = ["day_range", "parse_query", "register"]

CHANNELS = ("email", "chat", "phone", "web", "social")
PLANS = ("free", "pro", "business", "enterprise")
PER_PAGE = 50
_MAX_ID = 200  # the longest ticket or customer id a ticket may carry
_HANDOFF_TEXT = (
    "a person must act",
    "no hand-off",
    "customer opted out",
    "sensitive topic",
    "out of scope",
    "low confidence",
)
_REVIEW_TEXT = ("not reviewed", "review requested", "reviewed")
_SORT_TEXT = ("intent confidence", "priority confidence", "intent", "priority")


def register(bp: Blueprint) -> None:
    """Add the pages to the auditor blueprint."""
    bp.add_url_rule("/", "search", search_page, methods=["GET"])
    bp.add_url_rule("/decisions/<decision_id>", "decision", decision_page, methods=["GET"])
    bp.add_url_rule("/verify", "verify", verify_page, methods=["GET"])


def _date(raw: str, errors: list[str], name: str, *, end: bool = False) -> datetime | None:
    """A day from a form field; with ``end``, the moment that day ends (exclusive)."""
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC)
        return day + timedelta(days=1) if end else day
    except (ValueError, OverflowError):
        errors.append(f"{name} must be a date such as 2026-11-23")
        return None


def day_range(
    args: Mapping[str, str], errors: list[str]
) -> tuple[datetime | None, datetime | None]:
    """``since`` and ``until`` from a query string; "until" includes its whole day."""
    return _date(args.get("since", ""), errors, "since"), _date(
        args.get("until", ""), errors, "until", end=True
    )


def _number(raw: str, errors: list[str], name: str) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        errors.append(f"{name} must be a number from 0 to 1")
        return None
    return value


def _exact(raw: str, errors: list[str], name: str) -> str | None:
    """An id to match exactly, trimmed (pasted ids often carry a space)."""
    value = raw.strip()
    if len(value) > _MAX_ID:
        errors.append(f"{name} is longer than any stored id ({_MAX_ID} characters)")
        return None
    return value or None


def parse_query(args: Any) -> tuple[SearchQuery, list[str]]:
    """A SearchQuery from the form's GET parameters, and messages about ignored ones."""
    errors: list[str] = []
    page = args.get("page", "1")
    return (
        SearchQuery(
            equals={k: args[k] for k in EQUALS if args.get(k)},
            since=_date(args.get("since", ""), errors, "From"),
            until=_date(args.get("until", ""), errors, "To", end=True),  # includes that day
            model_version=args.get("model_version") or None,
            confidence_model="priority" if args.get("conf_model") == "priority" else "intent",
            confidence_min=_number(args.get("conf_min", ""), errors, "Minimum confidence"),
            confidence_max=_number(args.get("conf_max", ""), errors, "Maximum confidence"),
            review=args.get("review") if args.get("review") in REVIEW_STATES else None,
            handoff=args.get("handoff") if args.get("handoff") in HANDOFF_STATES else None,
            ticket_id=_exact(args.get("ticket_id", ""), errors, "Ticket id"),
            customer_id=_exact(args.get("customer_id", ""), errors, "Customer id"),
            sort=args.get("sort") if args.get("sort") in SORTS else "created_at",
            descending=args.get("dir") != "asc",
            page=int(page) if page.isdecimal() and 0 < int(page) < 1_000_000 else 1,
            per_page=PER_PAGE,
        ),
        errors,
    )


@require_role("auditor")
def search_page() -> str:
    """Filtered, sorted, paginated decisions."""
    query, errors = parse_query(request.args)
    rows, total = service().console.search(query)
    pages = max(1, -(-total // PER_PAGE))
    kept = {k: v for k, v in request.args.items() if k != "page" and v}

    def page_url(n: int) -> str:
        return "?" + urlencode({**kept, "page": n})

    return render_template(
        "auditor/search.html",
        rows=rows,
        total=total,
        query=query,
        args=request.args,
        errors=errors,
        page=query.page,
        pages=pages,
        prev_url=page_url(query.page - 1) if query.page > 1 else None,
        next_url=page_url(query.page + 1) if query.page < pages else None,
        options=_options(),
    )


def _options() -> dict[str, list[tuple[str, str]]]:
    """``(value, text)`` pairs for each select of the filter form; "" is the default."""
    any_ = [("", "any")]
    choices = service().console.label_choices()
    labels = {m: [(c["label"], c["display"]) for c in choices[m]] for m in choices}
    return {
        "intent": any_ + labels["intent"],
        "priority": any_ + labels["priority"],
        "channel": any_ + [(c, c) for c in CHANNELS],
        "plan": any_ + [(p, p) for p in PLANS],
        "review": any_ + list(zip(REVIEW_STATES, _REVIEW_TEXT, strict=True)),
        "handoff": any_ + list(zip(HANDOFF_STATES, _HANDOFF_TEXT, strict=True)),
        "sort": [("", "time"), *zip(SORTS[1:], _SORT_TEXT, strict=True)],
        "dir": [("", "newest / highest first"), ("asc", "oldest / lowest first")],
        "conf_model": [("", "intent"), ("priority", "priority")],
    }


@require_role("auditor")
def decision_page(decision_id: str) -> str:
    """One decision: explanations, charts, cards, customer text, history, proof."""
    console = service().console
    viewer = current_user()
    assert viewer is not None  # require_role let the request in
    try:
        record = console.record(decision_id, viewer)
    except NotFoundError:
        abort(404)
    view = decision_view(record, console.card)
    return render_template("auditor/decision.html", d=view, choices=console.label_choices())


@require_role("auditor")
def verify_page() -> str:
    """Recompute the tamper-evident log now and show the result."""
    result = service().console.verify_log()
    return render_template("auditor/verify.html", result=result)
