"""Erasure reaches every personal field the types mark: no canary survives anywhere.

The fields filled with canaries come from the marking itself (``personal_fields`` on the
decision, the ``Personal`` annotation on people's records), so a personal field added
to a type later is attacked by this test without changing it.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from auditor_helpers import signed_in
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_helpers import Keys, everything_stored

from explainer.decision import Decision, Personal, personal_fields
from explainer.records import Feedback, Resolution, ReviewRequest
from explainer.schemas import TicketIn

WORDS = [
    "refund", "invoice", "login", "password", "crash", "error", "cancel", "plan", "urgent",
    "shipping", "parcel", "broken", "charged", "twice", "account", "locked", "export",
]  # fmt: skip


def _marked(record: type[Any]) -> set[str]:
    return {
        name
        for name, info in record.model_fields.items()
        if any(isinstance(m, Personal) for m in info.metadata)
    }


def _with_canaries(decision: Decision, canary: str) -> tuple[Decision, list[tuple[Any, ...]]]:
    doc = decision.model_dump(mode="json")
    filled = []
    for path, value, _ in personal_fields(decision):
        if isinstance(value, list) and not (value and isinstance(value[0], tuple)):
            new: Any = [f"{canary} {path[-1]}"]
        elif value is None or isinstance(value, str):
            new = f"{canary} {path[-1]}"
        else:
            continue  # spans: offsets, no text of their own
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = new
        filled.append(path)
    return Decision.model_validate(doc), filled


def _held(export: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in export.items() if k != "customer_id"}  # the question, echoed


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(st.sampled_from(WORDS), min_size=4, max_size=14), cut=st.integers(1, 3))
def test_no_canary_survives_erasure(app: Flask, keys: Keys, words: list[str], cut: int) -> None:
    service = app.extensions["explainer"]
    canary, customer = f"CANARY{uuid.uuid4().hex[:10]}", f"C-{uuid.uuid4().hex[:8]}"
    ticket = TicketIn.model_validate(
        {
            "ticket_id": "T-1",
            "subject": " ".join(words[:cut]),
            "body": " ".join(words[cut:]),
            "customer": {"id": customer, "plan": "pro"},
        }
    )
    decision, filled = _with_canaries(service.decider.decide(ticket), canary)
    assert {("ticket", "subject"), ("ticket", "body"), ("ticket", "customer", "id")} <= set(filled)
    stored, _ = service.store.save_decision(decision)
    decision_id = str(stored.id)
    assert _marked(ReviewRequest) == _marked(Feedback) == {"comment"}
    assert _marked(Resolution) == {"note"}
    service.store.add_review_request(decision_id, f"{canary} comment")
    service.store.add_feedback(decision_id, False, f"{canary} comment")
    service.console.resolve(decision_id, "reviewer", {}, f"{canary} note")

    api = app.test_client().get(f"/api/v1/decisions/{decision_id}", headers=keys.read)
    assert canary in api.get_data(as_text=True)  # the canaries were really there
    service.admin.erase_customer(str(decision.ticket.customer.id))  # a canary too

    answers = {
        "stored rows": everything_stored(app),
        "API": app.test_client()
        .get(f"/api/v1/decisions/{decision_id}", headers=keys.read)
        .get_data(as_text=True),
        "console": signed_in(app, "auditor", f"aud-{uuid.uuid4().hex[:6]}")
        .get(f"/audit/decisions/{decision_id}")
        .get_data(as_text=True),
        "export": json.dumps(
            _held(service.admin.export_customer(str(decision.ticket.customer.id)))
        ),
    }
    leaks = {
        where: sorted(set(re.findall(canary + r" \w+", text))) for where, text in answers.items()
    }
    assert leaks == {where: [] for where in answers}
