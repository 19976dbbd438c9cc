"""Oversight reports in the audit console: fairness, models and drift, exports.

Its own blueprint under ``/audit`` beside the console's: it reuses the console's
sign-in (session cookie, roles, layout) and adds report pages that read across
decisions rather than one at a time. Views are thin: the store reads, the pure
``fairness`` and ``importance`` modules compute, templates lay out.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.sansio.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response as BaseResponse

from explainer.errors import ExplainerError
from explainer.fairness import MIN_GROUP, FairnessReport, fairness_report
from explainer.importance import ModelImportance, importance_by_version
from explainer.registry import MODEL_NAMES, load_card
from explainer.store.accounts import Accounts
from explainer.store.oversight import attribution_items, fairness_rows, search_all
from explainer.web.auditor_auth import csrf_token, current_user, require_role
from explainer.web.auditor_pages import parse_query
from explainer.web.linechart import line_chart

__all__ = ["bp", "init_app"]

bp = Blueprint(
    "oversight",
    __name__,
    url_prefix="/audit",
    static_folder="static/oversight",
    static_url_path="/oversight-static",
)
EXPORT_COLUMNS = (
    "id",
    "created_at",
    "intent",
    "intent_confidence",
    "priority",
    "priority_confidence",
    "channel",
    "plan",
    "language",
    "region",
    "intent_model_version",
    "priority_model_version",
    "review",
)


def init_app(app: Flask) -> None:
    """Register the reports (after the console, whose sign-in they share)."""
    app.register_blueprint(bp)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    extensions = state.app.extensions
    extensions.setdefault("explainer.accounts", Accounts(extensions["explainer"].store))


@bp.before_request
def _signed_in() -> BaseResponse | None:
    if request.endpoint == "oversight.static" or current_user() is not None:
        return None
    return redirect(url_for("auditor.login", next=request.full_path))


@bp.after_request
def _headers(response: BaseResponse) -> BaseResponse:
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


@bp.context_processor
def _context() -> dict[str, Any]:
    return {"audit_user": current_user(), "csrf": csrf_token}


def _service() -> Any:
    return current_app.extensions["explainer"]


def _window() -> tuple[datetime | None, datetime | None, int, list[str]]:
    """``since``, ``until`` (inclusive day) and ``min_group`` from the query string."""
    errors: list[str] = []
    days = []
    for name in ("since", "until"):
        raw = request.args.get(name, "")
        try:
            days.append(datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC) if raw else None)
        except ValueError:
            errors.append(f"{name} must be a date such as 2026-11-23")
            days.append(None)
    raw_min = request.args.get("min_group", "")
    minimum = int(raw_min) if raw_min.isdigit() and 0 < int(raw_min) <= 100_000 else MIN_GROUP
    if raw_min and str(minimum) != raw_min:
        errors.append("the minimum group size must be a whole number from 1 to 100000")
    until = days[1] + timedelta(days=1) if days[1] else None
    return days[0], until, minimum, errors


def _report() -> tuple[FairnessReport, list[str]]:
    since, until, minimum, errors = _window()
    with _service().store.engine.connect() as conn:
        rows = fairness_rows(conn, since, until)
    return fairness_report(rows, min_group=minimum), errors


@bp.get("/fairness")
@require_role("auditor")
def fairness() -> str:
    """Per-group rates, confidence, contests, reviewed accuracy and explanation quality."""
    report, errors = _report()
    kept = {k: v for k, v in request.args.items() if k in ("since", "until", "min_group") and v}
    csv_url = url_for("oversight.fairness_csv") + ("?" + urlencode(kept) if kept else "")
    return render_template(
        "oversight/fairness.html", report=report, errors=errors, args=request.args, csv_url=csv_url
    )


_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet formula starters


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value  # a spreadsheet must not run a region or label as a formula
    return value


def _csv_lines(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _download(body: Iterable[str], name: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/fairness.csv")
@require_role("auditor")
def fairness_csv() -> Response:
    """The fairness report, one row per attribute, group and metric."""
    records = _report()[0].records()
    columns = list(records[0]) if records else ["attribute", "group", "metric"]
    return _download(_csv_lines(columns, records), "fairness.csv", "text/csv")


def _exported() -> Iterator[dict[str, Any]]:
    query, _ = parse_query(request.args)
    with _service().store.engine.connect() as conn:
        yield from search_all(conn, query)


@bp.get("/decisions.csv")
@require_role("auditor")
def decisions_csv() -> Response:
    """Every decision the search matches (the search page's filters), streamed as CSV."""
    body = stream_with_context(_csv_lines(EXPORT_COLUMNS, _exported()))
    return _download(body, "decisions.csv", "text/csv")


def _json_lines() -> Iterator[str]:
    yield '{"decisions": ['
    for i, row in enumerate(_exported()):
        yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"


@bp.get("/decisions.json")
@require_role("auditor")
def decisions_json() -> Response:
    """Every decision the search matches, streamed as ``{"decisions": [...]}``."""
    return _download(stream_with_context(_json_lines()), "decisions.json", "application/json")


def _card(models_dir: Path, name: str, version: str) -> dict[str, Any] | None:
    try:
        return load_card(models_dir, name, version)
    except ExplainerError:
        return None  # a version whose card is gone still has its stored decisions


def _model_views(name: str) -> list[dict[str, Any]]:
    with _service().store.engine.connect() as conn:
        found = importance_by_version(name, attribution_items(conn, name))
    models_dir = Path(_service().config["MODELS_DIR"])
    return [_view(models_dir, name, m) for m in found]


def _view(models_dir: Path, name: str, m: ModelImportance) -> dict[str, Any]:
    peak = m.top[0][1] if m.top else 1.0
    return {
        "importance": m,
        "bars": [(f, v, round(100 * v / peak, 1) if peak else 0.0) for f, v in m.top],
        "chart": line_chart(m.weeks, dict(list(m.drift.items())[:6])),
        "card": _card(models_dir, name, m.version),
    }


@bp.get("/models")
@require_role("auditor")
def models() -> str:
    """Per model version: global importance, its weekly drift, and the model card."""
    current = {n: c.get("version") for n, c in _service().cards.items()}
    views = {name: _model_views(name) for name in MODEL_NAMES}
    return render_template(
        "oversight/models.html", views=views, current=current, cards=_service().cards
    )
