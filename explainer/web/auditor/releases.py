"""The releases page: which model versions served when (promotions and rollbacks, from
the log), and shadow reports side by side with the gates' verdict."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from explainer.web.auditor.auth import require_role
from explainer.web.context import service

__all__ = ["register"]

SIDE_BY_SIDE = 3  # reports compared at once


def register(bp: Blueprint) -> None:
    """Add the releases page to the auditor blueprint."""
    bp.add_url_rule("/releases", "releases", releases_page, methods=["GET"])


@require_role("auditor")
def releases_page() -> str:
    """Model history, then the chosen (else the newest) shadow reports side by side."""
    releases = service().releases
    kept = releases.history.reports()
    wanted = request.args.getlist("r")
    chosen = [r for r in kept if r["sha256"] in wanted] if wanted else kept
    gates = releases.gates()
    columns = [_column(r, gates.failures(r)) for r in chosen[:SIDE_BY_SIDE]]
    return render_template(
        "auditor/releases.html",
        history=releases.history.history(),
        current=releases.current_versions(),
        in_effect=releases.in_effect(),
        kept=kept,
        wanted=set(wanted) or {c["sha256"] for c in columns},
        columns=columns,
        models=sorted({m for c in columns for m in c["models"]}),
    )


def _column(report: dict[str, Any], failed: list[str]) -> dict[str, Any]:
    return {
        "sha256": report["sha256"],
        "created_at": report["created_at"],
        "candidate": {n: v["version"] for n, v in report["candidate"].items()},
        "current": {n: v["version"] for n, v in report["current"].items()},
        "decisions": report["decisions"],
        "models": report["models"],
        "new_flags": report["fairness"]["new_flags"],
        "failed": failed,
    }
