"""Console pages for every signed-in role: decision search, decision detail, log check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request

from explainer.errors import ExplainerError
from explainer.service import DECISION_ID
from explainer.store.audit_search import EQUALS, REVIEW_STATES, SORTS, SearchQuery, search
from explainer.store.resolutions import resolutions_for
from explainer.web.auditor_auth import require_role
from explainer.web.auditor_detail import decision_view, label_choices

__all__ = ["parse_query", "register"]

CHANNELS = ("email", "chat", "phone", "web", "social")
PLANS = ("free", "pro", "business", "enterprise")
PER_PAGE = 50
_REVIEW_TEXT = ("not reviewed", "review requested", "reviewed")
_SORT_TEXT = ("intent confidence", "priority confidence", "intent", "priority")


def register(bp: Blueprint) -> None:
    """Add the pages to the auditor blueprint."""
    bp.add_url_rule("/", "search", search_page, methods=["GET"])
    bp.add_url_rule("/decisions/<decision_id>", "decision", decision_page, methods=["GET"])
    bp.add_url_rule("/verify", "verify", verify_page, methods=["GET"])


def _service() -> Any:
    return current_app.extensions["explainer"]


def _date(raw: str, errors: list[str], name: str) -> datetime | None:
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        errors.append(f"{name} must be a date such as 2026-11-23")
        return None


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


def parse_query(args: Any) -> tuple[SearchQuery, list[str]]:
    """A SearchQuery from the form's GET parameters, and messages about ignored ones."""
    errors: list[str] = []
    until = _date(args.get("until", ""), errors, "To")
    page = args.get("page", "1")
    return (
        SearchQuery(
            equals={k: args[k] for k in EQUALS if args.get(k)},
            since=_date(args.get("since", ""), errors, "From"),
            until=until + timedelta(days=1) if until else None,  # "to" includes that day
            model_version=args.get("model_version") or None,
            confidence_model="priority" if args.get("conf_model") == "priority" else "intent",
            confidence_min=_number(args.get("conf_min", ""), errors, "Minimum confidence"),
            confidence_max=_number(args.get("conf_max", ""), errors, "Maximum confidence"),
            review=args.get("review") if args.get("review") in REVIEW_STATES else None,
            sort=args.get("sort") if args.get("sort") in SORTS else "created_at",
            descending=args.get("dir") != "asc",
            page=int(page) if page.isdigit() and 0 < int(page) < 1_000_000 else 1,
            per_page=PER_PAGE,
        ),
        errors,
    )


@require_role("auditor")
def search_page() -> str:
    """Filtered, sorted, paginated decisions."""
    query, errors = parse_query(request.args)
    with _service().store.engine.connect() as conn:
        rows, total = search(conn, query)
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
    choices = label_choices(_service().cards)
    labels = {m: [(c["label"], c["display"]) for c in choices[m]] for m in choices}
    return {
        "intent": any_ + labels["intent"],
        "priority": any_ + labels["priority"],
        "channel": any_ + [(c, c) for c in CHANNELS],
        "plan": any_ + [(p, p) for p in PLANS],
        "review": any_ + list(zip(REVIEW_STATES, _REVIEW_TEXT, strict=True)),
        "sort": [("", "time"), *zip(SORTS[1:], _SORT_TEXT, strict=True)],
        "dir": [("", "newest / highest first"), ("asc", "oldest / lowest first")],
        "conf_model": [("", "intent"), ("priority", "priority")],
    }


@require_role("auditor")
def decision_page(decision_id: str) -> str:
    """One decision: explanations, charts, cards, customer text, history, proof."""
    service = _service()
    store = service.store
    decision = store.get_decision(decision_id) if DECISION_ID.fullmatch(decision_id) else None
    if decision is None:
        abort(404)
    with store.engine.connect() as conn:
        resolutions = resolutions_for(conn, decision_id)
    history = {
        "reviews": store.reviews_for(decision_id),
        "resolutions": resolutions,
        "feedback": store.feedback_for(decision_id),
    }
    try:
        proof: dict[str, Any] | None = store.inclusion_proof(decision_id)
    except ExplainerError:
        proof = None
    view = decision_view(decision, history, proof, Path(service.config["MODELS_DIR"]))
    return render_template("auditor/decision.html", d=view, choices=label_choices(service.cards))


@require_role("auditor")
def verify_page() -> str:
    """Recompute the tamper-evident log now and show the result."""
    result = _service().store.verify_log()
    return render_template("auditor/verify.html", result=result)
