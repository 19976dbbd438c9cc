"""After a person's correction the customer reads the person's decision first."""

from __future__ import annotations

from flask import Flask
from web_helpers import Keys, ticket


def test_page_widget_json_lead_with_the_person_and_keep_the_ai_below(
    app: Flask, keys: Keys
) -> None:
    client = app.test_client()
    made = client.post("/api/v1/decisions", json=ticket(), headers=keys.both).get_json()
    why = made["links"]["why"]
    path = why[why.index("/why/") :]
    ai_priority = made["priority"]["label"]
    service = app.extensions["explainer"]
    other = next(c for c in service.decider.models["priority"].classes if c != ai_priority)
    info = service.label_info("priority", other)
    service.console.resolve(made["id"], "rita", {"priority": other}, "Checked the account.")

    view = client.get(path, headers={"Accept": "application/json"}).get_json()
    assert view["decided_by"] == "person"
    assert view["summary"].startswith("A person reviewed your ticket")
    assert f"\u201c{info['display']}\u201d" in view["summary"]
    rows = {r["term"]: r for r in view["outcome"]}
    assert rows["Priority"]["value"] == info["display"]
    assert rows["Priority"]["note"] == "set by a person"
    if info.get("response_time"):
        assert rows["First response"]["value"] == info["response_time"]
    assert view["ai"]["summary"] == made["customer"]["summary"]
    ai_rows = {r["term"]: r for r in view["ai"]["outcome"]}
    assert ai_rows["Priority"]["value"] == made["priority"]["display"]

    page = client.get(path).get_data(as_text=True)
    lead = page.index("A person reviewed your ticket")
    original = page.index("The AI's original decision")
    assert lead < original
    assert "Why the AI decided as it did" in page


def test_before_any_review_the_ai_leads(app: Flask, keys: Keys) -> None:
    client = app.test_client()
    made = client.post("/api/v1/decisions", json=ticket(), headers=keys.both).get_json()
    why = made["links"]["why"]
    view = client.get(why[why.index("/why/") :], headers={"Accept": "application/json"}).get_json()
    assert view["decided_by"] == "ai" and view["ai"] is None
    assert view["summary"] == made["customer"]["summary"]
