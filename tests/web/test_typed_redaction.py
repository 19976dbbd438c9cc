"""Text a person types (review and feedback comments, reviewer notes) is redacted before
it is stored, by the one redactor, and the writer sees what was kept."""

from __future__ import annotations

import json
import logging

import pytest
from auditor_helpers import signed_in
from customer_helpers import csrf_of
from flask import Flask
from web_helpers import Keys, everything_stored, ticket

from explainer.decision import Personal
from explainer.records import Feedback, Resolution, ReviewRequest

SECRETS = {
    "email": "jane.roe@example.org",
    "phone": "+44 20 7946 0958",
    "card": "4111 1111 1111 1111",
    "iban": "DE89 3704 0044 0532 0130 00",
}
TYPED = "Call me on {phone} or write to {email}; card {card}, IBAN {iban}.".format(**SECRETS)


def test_every_typed_field_is_marked_for_the_redactor() -> None:
    for record, field in ((ReviewRequest, "comment"), (Feedback, "comment"), (Resolution, "note")):
        marks = [m for m in record.model_fields[field].metadata if isinstance(m, Personal)]
        assert marks and marks[0].typed, (record.__name__, field)


def test_comments_and_notes_are_stored_redacted(
    app: Flask, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    made = client.post(
        "/api/v1/decisions", json=ticket(customer={"id": "C-7"}), headers=keys.both
    ).get_json()
    why = made["links"]["why"]
    path = why[why.index("/why/") :]
    page = client.get(path).get_data(as_text=True)
    client.post(f"{path}/review", data={"csrf_token": csrf_of(page), "comment": TYPED})
    client.post(
        f"{path}/feedback", data={"csrf_token": csrf_of(page), "helpful": "no", "comment": TYPED}
    )
    service = app.extensions["explainer"]
    service.console.resolve(made["id"], "reviewer", {}, TYPED)

    after = client.get(path).get_data(as_text=True)
    assert "Your note, as we keep it" in after and "[EMAIL]" in after
    answers = {
        "stored rows": everything_stored(app),
        "customer page": after,
        "console": signed_in(app, "auditor")
        .get(f"/audit/decisions/{made['id']}")
        .get_data(as_text=True),
        "export": json.dumps(service.admin.export_customer("C-7")),
        "log": caplog.text,
    }
    for where, text in answers.items():
        for kind, value in SECRETS.items():
            assert value not in text, f"{kind} typed by a person reached the {where}"
    assert answers["export"].count("[EMAIL]") >= 2  # the comments are there, redacted
