"""What a support lead handling a complaint does: find a decision by the helpdesk's
ticket id or the customer id, and send the customer a new link after revoking one."""

from __future__ import annotations

import pytest
from auditor_helpers import decide, signed_in, why_path
from flask import Flask
from sqlalchemy import select

from explainer.errors import ConflictError
from explainer.store.tables import payloads


def _ids(page: str) -> set[str]:
    return {part.split('"')[0] for part in page.split("/audit/decisions/")[1:]}


def test_console_finds_decisions_by_ticket_id_and_customer_id(app: Flask) -> None:
    mine = decide(app, "Refund please", ticket_id="HD-1001", customer={"id": "C-77"})
    other = decide(app, "Refund please", ticket_id="HD-1002", customer={"id": "C-77"})
    stranger = decide(app, "Refund please", ticket_id="HD-10011", customer={"id": "C-7"})
    client = signed_in(app, "auditor")

    by_ticket = client.get("/audit/?ticket_id=HD-1001").get_data(as_text=True)
    assert _ids(by_ticket) == {mine["id"]}  # exact: HD-10011 is another ticket
    padded = client.get("/audit/?ticket_id=+HD-1001+").get_data(as_text=True)
    assert _ids(padded) == {mine["id"]}
    by_customer = client.get("/audit/?customer_id=C-77").get_data(as_text=True)
    assert _ids(by_customer) == {mine["id"], other["id"]}
    both = client.get("/audit/?customer_id=C-77&ticket_id=HD-1002").get_data(as_text=True)
    assert _ids(both) == {other["id"]}
    assert stranger["id"] not in by_customer
    none = client.get("/audit/?ticket_id=HD-9999").get_data(as_text=True)
    assert "No decision matches" in none
    too_long = client.get("/audit/?ticket_id=" + "x" * 201)
    assert too_long.status_code == 200 and "longer than any stored id" in too_long.get_data(
        as_text=True
    )
    # The CSV export filters the same way.
    csv_text = client.get("/audit/decisions.csv?customer_id=C-77").get_data(as_text=True)
    assert mine["id"] in csv_text and stranger["id"] not in csv_text


def test_the_ticket_id_is_held_as_a_hash_and_goes_with_an_erasure(app: Flask) -> None:
    made = decide(app, "Refund please", ticket_id="HD-2001", customer={"id": "C-ERASE"})
    store = app.extensions["explainer"].store
    with store.engine.connect() as conn:
        held = conn.execute(select(payloads.c.ticket_hash)).scalars().all()
    assert len(held) == 1 and held[0] != "HD-2001" and len(held[0]) == 64
    store.erase_customer("C-ERASE")
    client = signed_in(app, "auditor")
    for query in ("ticket_id=HD-2001", "customer_id=C-ERASE"):
        page = client.get(f"/audit/?{query}").get_data(as_text=True)
        assert made["id"] not in page


def test_a_reissued_link_opens_and_every_earlier_one_does_not(app: Flask) -> None:
    service = app.extensions["explainer"]
    made = decide(app, "Where is my parcel", customer={"id": "C-LINK"})
    first = why_path(made)
    client = app.test_client()
    assert client.get(first).status_code == 200

    second = service.reissue_link(made["id"], actor="test")
    assert client.get(first).status_code == 404  # the reissue revoked the live link
    assert client.get(why_path({"links": {"why": second}})).status_code == 200
    assert service.get(made["id"]).links.why == second  # the API hands out the live one

    service.admin.revoke_link(made["id"])
    assert client.get(why_path({"links": {"why": second}})).status_code == 404
    third = service.reissue_link(made["id"], actor="test")
    assert third not in (first, second)
    for old in (first, second):
        assert client.get(why_path({"links": {"why": old}})).status_code == 404
    assert client.get(why_path({"links": {"why": third}})).status_code == 200
    assert service.store.verify_log().ok


def test_an_erased_decision_gets_no_new_link(app: Flask) -> None:
    service = app.extensions["explainer"]
    made = decide(app, "Where is my parcel", customer={"id": "C-GONE"})
    service.store.erase_customer("C-GONE")
    with pytest.raises(ConflictError, match="erased"):
        service.reissue_link(made["id"], actor="test")


def test_review_queue_cards_carry_what_a_reviewer_judges_by(app: Flask) -> None:
    service = app.extensions["explainer"]
    made = decide(
        app,
        "Charged twice",
        "I was charged twice, call me on +44 20 7946 0958",
        customer={"id": "C-Q", "name": "Jane Roe"},
    )
    token = why_path(made).rsplit("/", 1)[1]
    view = service.customers.view(token)
    assert view is not None
    service.customers.request_review(view, "The refund never arrived, please look again")
    client = signed_in(app, "reviewer")
    before = len(service.store.accesses_for(made["id"]))
    page = client.get("/audit/reviews").get_data(as_text=True)
    assert "Charged twice" in page and "I was charged twice" in page
    assert "+44 20 7946 0958" not in page  # the message as stored: redacted
    assert "The refund never arrived" in page
    assert made["intent"]["display"] in page and made["priority"]["display"] in page
    accesses = service.store.accesses_for(made["id"])
    assert len(accesses) == before + 1 and accesses[-1]["viewer"] == "reviewer-user"
