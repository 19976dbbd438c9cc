"""A person decides when the model should not: sensitive topics, opting out, abstention."""

from __future__ import annotations

from typing import Any

import pytest
from auditor_helpers import signed_in
from customer_helpers import csrf_of
from flask import Flask
from web_helpers import Keys, ticket


def _made(app: Flask, keys: Keys, **fields: Any) -> dict[str, Any]:
    body = ticket(**fields)
    response = app.test_client().post("/api/v1/decisions", json=body, headers=keys.both)
    assert response.status_code == 201, response.get_json()
    made: dict[str, Any] = response.get_json()
    return made


def _page(app: Flask, made: dict[str, Any]) -> dict[str, Any]:
    why = made["links"]["why"]
    got = app.test_client().get(why[why.index("/why/") :], headers={"Accept": "application/json"})
    view: dict[str, Any] = got.get_json()
    return view


def _no_topic_queue(made: dict[str, Any], view: dict[str, Any]) -> None:
    """Nothing the customer reads points to a topic queue."""
    cust = made["customer"]
    assert all(r["model"] != "intent" for r in cust["reason_details"])
    assert cust["counterfactual"] is None or cust["counterfactual"]["model"] != "intent"
    assert made["intent"]["display"] not in cust["summary"]
    terms = {r["term"]: r["value"] for r in view["outcome"]}
    if view["language"] == "de":
        assert terms["Zuständig"] == "eine Person aus unserem Team" and "Thema" not in terms
    else:
        assert terms["Handled by"] == "a person from our team" and "Topic" not in terms


@pytest.mark.parametrize(
    ("subject", "body", "topic", "said"),
    [
        (
            "Please close my late husband's account",
            "My husband passed away last month. Please stop the monthly invoice.",
            "bereavement",
            "a bereavement",
        ),
        (
            "Konto meines Vaters",
            "Mein Vater ist verstorben. Bitte kündigen Sie sein Abonnement.",
            "bereavement",
            "einen Trauerfall",
        ),
        (
            "Unfair treatment",
            "Your agent treated me unfairly because of my accent. I will contact a lawyer.",
            "discrimination",
            "unfair treatment",
        ),
    ],
)
def test_a_sensitive_ticket_reaches_a_person_and_says_why(
    app: Flask, keys: Keys, subject: str, body: str, topic: str, said: str
) -> None:
    made = _made(app, keys, subject=subject, body=body, language="de" if "Vater" in body else "en")
    handoff = made["handoff"]
    assert handoff["required"] and "sensitive" in handoff["reasons"]
    assert topic in handoff["topics"] and handoff["topic_list_version"]
    summary = made["customer"]["summary"]
    if "Vater" in body:  # a German ticket is told in German
        assert summary.startswith(f"Sie haben {said} erwähnt.")
    else:
        assert summary.startswith("You mentioned") and said in summary.split(", so")[0]
    _no_topic_queue(made, _page(app, made))


def test_opting_out_means_no_model_output_routes_or_decides(app: Flask, keys: Keys) -> None:
    made = _made(app, keys, prefer_person=True)
    assert made["ticket"]["prefer_person"] is True
    assert made["handoff"] == {
        "required": True,
        "reasons": ["opted_out"],
        "topics": [],
        "topic_list_version": made["handoff"]["topic_list_version"],
    }
    cust = made["customer"]
    assert cust["summary"].startswith("You asked for a person to decide")
    assert cust["reason_details"] == [] and cust["counterfactual"] is None
    assert "no automated system decides" in cust["notice"]
    view = _page(app, made)
    assert view["outcome"] == [
        {"term": "Handled by", "value": "a person from our team", "note": None}
    ]
    assert made["intent"]["explanation"]["attributions"]  # still explained, for statistics


def test_an_out_of_scope_ticket_is_not_routed(app: Flask, keys: Keys) -> None:
    made = _made(
        app,
        keys,
        subject="weather",
        body="lovely weather today, sunny and warm",
        customer={"id": "C-9"},
    )
    handoff = made["handoff"]
    assert handoff["required"]
    assert set(handoff["reasons"]) & {"out_of_scope", "low_confidence"}
    assert made["customer"]["summary"].startswith("We weren't sure")
    _no_topic_queue(made, _page(app, made))


def test_hand_offs_lead_the_triage_queue_and_filter_in_the_console(app: Flask, keys: Keys) -> None:
    plain = _made(app, keys)  # an ordinary ticket the customer then contests
    why = plain["links"]["why"]
    client = app.test_client()
    page = client.get(why[why.index("/why/") :]).get_data(as_text=True)
    client.post(why[why.index("/why/") :] + "/review", data={"csrf_token": csrf_of(page)})
    opted = _made(app, keys, prefer_person=True)
    service = app.extensions["explainer"]
    rows, total = service.store.review_queue(10, 0)
    assert [r["id"] for r in rows][:1] == [opted["id"]]
    assert rows[0]["handoff_required"] and rows[0]["handoff_reasons"] == "opted_out"
    assert plain["id"] in [r["id"] for r in rows] and total >= 2

    auditor = signed_in(app, "auditor")
    listed = auditor.get("/audit/?handoff=opted_out").get_data(as_text=True)
    assert opted["id"] in listed and plain["id"] not in listed
    queue = auditor.get("/audit/reviews").get_data(as_text=True)
    assert opted["id"] in queue, queue[-3000:]
    assert queue.index(opted["id"]) < queue.index(plain["id"])
    assert "hand-off: opted out" in queue
