"""Oversight reports in the audit console: fairness, models and drift, exports.

They read across decisions rather than one at a time; the service computes, the
templates lay out. Part of the auditor blueprint, so they share its sign-in and hooks.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request, url_for

from explainer.model.registry import MODEL_NAMES
from explainer.oversight.importance import ModelImportance
from explainer.oversight.query import SUMMARY_COLUMNS, SearchQuery
from explainer.oversight.report import MIN_GROUP, FairnessReport
from explainer.web.auditor.auth import require_role
from explainer.web.auditor.downloads import csv_download, json_download
from explainer.web.auditor.linechart import line_chart
from explainer.web.auditor.pages import day_range, parse_query
from explainer.web.context import service

__all__ = ["EXPORT_COLUMNS", "register"]

EXPORT_COLUMNS = (*SUMMARY_COLUMNS, "review")


def register(bp: Blueprint) -> None:
    """Add the report pages and exports to the auditor blueprint."""
    bp.add_url_rule("/fairness", "fairness", fairness, methods=["GET"])
    bp.add_url_rule("/fairness.csv", "fairness_csv", fairness_csv, methods=["GET"])
    bp.add_url_rule("/decisions.csv", "decisions_csv", decisions_csv, methods=["GET"])
    bp.add_url_rule("/decisions.json", "decisions_json", decisions_json, methods=["GET"])
    bp.add_url_rule("/models", "models", models, methods=["GET"])


def _min_group(errors: list[str]) -> int:
    raw = request.args.get("min_group", "")
    minimum = int(raw) if raw.isdecimal() and 0 < int(raw) <= 100_000 else MIN_GROUP
    if raw and str(minimum) != raw:
        errors.append("the minimum group size must be a whole number from 1 to 100000")
    return minimum


def _report() -> tuple[FairnessReport, list[str]]:
    errors: list[str] = []
    since, until = day_range(request.args, errors)
    return service().console.fairness(since, until, _min_group(errors)), errors


@require_role("auditor")
def fairness() -> str:
    """Per-group rates, confidence, contests, reviewed accuracy and explanation quality."""
    report, errors = _report()
    kept = {k: v for k, v in request.args.items() if k in ("since", "until", "min_group") and v}
    csv_url = url_for("auditor.fairness_csv") + ("?" + urlencode(kept) if kept else "")
    return render_template(
        "oversight/fairness.html", report=report, errors=errors, args=request.args, csv_url=csv_url
    )


@require_role("auditor")
def fairness_csv() -> Response:
    """The fairness report, one row per attribute, group and metric."""
    records = _report()[0].records()
    columns = list(records[0]) if records else ["attribute", "group", "metric"]
    return csv_download("fairness.csv", columns, records)


@require_role("auditor")
def decisions_csv() -> Response:
    """Every decision the search matches (the search page's filters), streamed as CSV."""
    return csv_download("decisions.csv", EXPORT_COLUMNS, service().console.export(_query()))


@require_role("auditor")
def decisions_json() -> Response:
    """Every decision the search matches, streamed as ``{"decisions": [...]}``."""
    return json_download("decisions.json", "decisions", service().console.export(_query()))


def _query() -> SearchQuery:
    """The search page's filters; a filter that cannot be read refuses the export (422)
    rather than widening it to every decision."""
    query, errors = parse_query(request.args)
    if errors:
        abort(422, description="; ".join(errors))
    return query


def _view(m: ModelImportance, card: dict[str, Any] | None) -> dict[str, Any]:
    peak = m.top[0][1] if m.top else 1.0
    return {
        "importance": m,
        "bars": [(f, v, round(100 * v / peak, 1) if peak else 0.0) for f, v in m.top],
        "chart": line_chart(m.weeks, dict(list(m.drift.items())[:6])),
        "card": card,
    }


@require_role("auditor")
def models() -> str:
    """Per model version: global importance, its weekly drift, and the model card."""
    cards = service().cards
    current = {n: c.get("version") for n, c in cards.items()}
    console = service().console
    views = {name: [_view(m, c) for m, c in console.model_history(name)] for name in MODEL_NAMES}
    return render_template("oversight/models.html", views=views, current=current, cards=cards)
