"""Signed webhooks from a transactional outbox, delivered to a real loopback receiver."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from web_helpers import Keys, ticket
from webhook_receiver import Receiver

from explainer.errors import ValidationFailed
from explainer.service.webhooks import Deliverer, WebhookAdmin
from explainer.store.webhooks import emit
from explainer.webhooks.events import EVENTS
from explainer.webhooks.signing import verify


@pytest.fixture
def receiver() -> Any:
    r = Receiver().start()
    yield r
    r.stop()


def _admin(app: Flask, **settings: Any) -> tuple[WebhookAdmin, Deliverer]:
    service = app.extensions["explainer"]
    changed = service.settings.model_copy(
        update={"webhook_allow_private": True, "webhook_backoff_seconds": 0.01, **settings}
    )
    return WebhookAdmin(service.store, changed), Deliverer(service.store, changed)


def _valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    return verify(
        secret,
        headers["webhook-id"],
        int(headers["webhook-timestamp"]),
        body,
        headers["webhook-signature"],
    )


def test_every_event_arrives_signed_without_personal_text(
    app: Flask, keys: Keys, receiver: Receiver
) -> None:
    admin, deliverer = _admin(app)
    _, secret = admin.add(receiver.url, list(EVENTS), None)
    assert secret.startswith("whsec_")
    body = ticket(
        subject="My father passed away",
        body="Please close his account, the invoice is wrong. Reach me at jane@example.org",
    )
    decision = app.test_client().post("/api/v1/decisions", json=body, headers=keys.both)
    decision_id = decision.get_json()["id"]
    service = app.extensions["explainer"]
    service.store.add_review_request(decision_id, "Please call me, Jane Roe, on 0151 123 4567")
    service.store.add_feedback(decision_id, False, "not helpful at all")
    service.console.resolve(decision_id, "rita", {}, "Checked by phone")
    assert deliverer.run_once() == 5
    events = [json.loads(b)["type"] for _, b in receiver.got]
    assert sorted(events) == sorted(EVENTS)
    for headers, raw in receiver.got:
        assert _valid(secret, headers, raw)
        assert headers["webhook-id"].startswith("msg_")
        text = raw.decode()
        for personal in ("father", "invoice", "jane", "Jane", "0151", "phone", "helpful at all"):
            assert personal not in text
        data = json.loads(raw)["data"]
        assert data["decision_id"] == decision_id
        assert data["links"]["decision"] == f"/api/v1/decisions/{decision_id}"
    handoff = next(json.loads(b) for _, b in receiver.got if b"handoff.required" in b)
    assert handoff["data"]["handoff"] == {"required": True, "reasons": ["sensitive"]}
    assert deliverer.run_once() == 0  # nothing twice
    assert admin.listing()[0]["messages"] == {"delivered": 5}


def test_an_event_whose_transaction_rolled_back_is_never_sent(
    app: Flask, keys: Keys, receiver: Receiver
) -> None:
    admin, deliverer = _admin(app)
    admin.add(receiver.url, ["review.requested"], None)
    decision_id = (
        app.test_client()
        .post("/api/v1/decisions", json=ticket(), headers=keys.both)
        .get_json()["id"]
    )
    store = app.extensions["explainer"].store
    with pytest.raises(RuntimeError), store.recording() as rec:
        assert emit(rec.conn, "review.requested", decision_id) == 1
        raise RuntimeError("the change failed after its event was written")
    assert deliverer.run_once() == 0 and receiver.got == []
    assert admin.messages() == []


def test_a_receiver_that_was_down_gets_the_retry_with_the_same_webhook_id(
    app: Flask, keys: Keys
) -> None:
    down = Receiver().start()
    port = down.port
    down.stop()  # nothing listens on the port now
    admin, deliverer = _admin(app)
    _, secret = admin.add(f"http://127.0.0.1:{port}/hook", ["decision.created"], None)
    app.test_client().post("/api/v1/decisions", json=ticket(), headers=keys.both)
    assert deliverer.run_once() == 0
    [failed] = admin.messages()
    assert failed["state"] == "pending" and failed["attempts"] == 1 and failed["last_error"]
    up = Receiver(port).start()
    try:
        import time

        time.sleep(0.05)  # past the backoff
        assert deliverer.run_once() == 1
        [(headers, raw)] = up.got
        assert headers["webhook-id"] == failed["id"] and _valid(secret, headers, raw)
    finally:
        up.stop()


def test_dead_letters_are_replayed_from_the_console(
    app: Flask, keys: Keys, receiver: Receiver
) -> None:
    from auditor_helpers import page_token, signed_in

    receiver.status = 500
    admin, deliverer = _admin(app, webhook_max_attempts=1)
    admin.add(receiver.url, ["decision.created"], None)
    app.test_client().post("/api/v1/decisions", json=ticket(), headers=keys.both)
    deliverer.run_once()
    [dead] = admin.messages("dead")
    assert dead["last_error"] == "HTTP 500"
    console = signed_in(app, "admin")
    page = console.get("/audit/webhooks").get_data(as_text=True)
    assert dead["id"] in page and "Replay" in page
    token = page_token(console, "/audit/webhooks")
    done = console.post(f"/audit/webhooks/{dead['id']}/replay", data={"csrf_token": token})
    assert done.status_code == 303
    receiver.status = 200
    assert deliverer.run_once() == 1
    assert receiver.got[-1][0]["webhook-id"] == dead["id"]
    assert signed_in(app, "auditor", "aud-2").get("/audit/webhooks").status_code == 403


def test_destinations_and_events_are_checked(app: Flask) -> None:
    service = app.extensions["explainer"]
    strict = WebhookAdmin(service.store, service.settings)  # private addresses refused
    with pytest.raises(ValidationFailed, match="private"):
        strict.add("http://127.0.0.1:8080/hook", ["decision.created"], None)
    with pytest.raises(ValidationFailed, match="http"):
        strict.add("file:///etc/passwd", ["decision.created"], None)
    admin, _ = _admin(app)
    with pytest.raises(ValidationFailed, match="unknown event"):
        admin.add("http://127.0.0.1:8080/hook", ["decision.deleted"], None)
    with pytest.raises(ValidationFailed, match="whsec_"):
        admin.add("http://127.0.0.1:8080/hook", ["decision.created"], "not-a-secret")


def test_one_process_delivers_at_a_time(app: Flask) -> None:
    store = app.extensions["explainer"].store
    assert store.webhooks.take_lease("a", 30)
    assert not store.webhooks.take_lease("b", 30)
    assert store.webhooks.take_lease("a", 30)  # renewal
    store.webhooks.release_lease("a")
    assert store.webhooks.take_lease("b", 30)


def test_a_redirect_is_a_failed_attempt_not_followed(
    app: Flask, keys: Keys, receiver: Receiver
) -> None:
    receiver.status = 302
    admin, deliverer = _admin(app)
    admin.add(receiver.url, ["decision.created"], None)
    app.test_client().post("/api/v1/decisions", json=ticket(), headers=keys.both)
    assert deliverer.run_once() == 0
    [message] = admin.messages()
    assert message["state"] == "pending" and message["last_error"] == "HTTP 302"
    assert len(receiver.got) == 1
