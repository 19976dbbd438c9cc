"""The console's releases page: model history from the log, reports side by side."""

from __future__ import annotations

from auditor_helpers import signed_in
from flask import Flask
from web_helpers import Keys, ticket


def test_history_and_reports_side_by_side(app: Flask, keys: Keys) -> None:
    service = app.extensions["explainer"]
    console = signed_in(app, "auditor")
    empty = console.get("/audit/releases").get_data(as_text=True)
    assert "No promotion or rollback yet" in empty and "No shadow report yet" in empty

    client = app.test_client()
    for n in range(4):
        made = client.post("/api/v1/decisions", json=ticket(), headers=keys.both)
        assert made.status_code == 201, n
    # The models in service measured against themselves, twice (in this process).
    first, _ = service.releases.shadow(service.models_dir, serial=True)
    second, _ = service.releases.shadow(service.models_dir, serial=True, page=1)
    versions = service.releases.current_versions()
    record = service.releases.history.record("model_promoted", "ann", versions, versions, "ab" * 32)

    page = console.get("/audit/releases").get_data(as_text=True)
    assert "Promoted" in page and "ann" in page and record["id"] in page
    kept = service.releases.history.reports()
    assert len(kept) == 2
    for r in kept:
        assert r["sha256"][:12] in page
    assert page.count("100.0 %") >= 4  # agreement of both models in both reports
    # No reviewed decisions: the accuracy gate would refuse, and says why.
    assert "would refuse" in page and "fewer than the 20 needed" in page

    one = console.get(f"/audit/releases?r={kept[1]['sha256']}").get_data(as_text=True)
    assert f'Report <span class="mono">{kept[1]["sha256"][:12]}' in one
    assert f'Report <span class="mono">{kept[0]["sha256"][:12]}' not in one
    assert first["decisions"] == second["decisions"] == {"scored": 4, "erased_skipped": 0}
