"""The JSON API: create, read back, preview, models, proofs, idempotency, scopes."""

from __future__ import annotations

import random
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import PUBLIC_URL, SECRET, Keys, ticket

from explainer.oversight.query import SearchQuery
from explainer.service.links import LinkSigner

SUBJECTS = [
    "Can't log in since this morning",
    "Refund for my last invoice",
    "App crashes when I upload a photo",
    "Where is my parcel?",
    "Please delete all my personal data",
    "How do I export a report?",
    "Everything is down for our whole team",
    "I want to cancel my subscription",
]
BODIES = [
    "Hi, the app says my password is wrong. Call me on +44 20 7946 0958.",
    "I was charged twice this month, card 4111 1111 1111 1111. Please help!",
    "Since the update it keeps crashing. This is urgent, we have a deadline.",
    "Ordered two weeks ago and still nothing. Contact: sam@example.com",
    "",
    "Is there a way to schedule exports every Monday?",
]


def _random_ticket(rng: random.Random, n: int) -> dict[str, object]:
    return ticket(
        ticket_id=f"T-{n}",
        subject=rng.choice(SUBJECTS),
        body=rng.choice(BODIES),
        channel=rng.choice(["email", "chat", "phone", "web", "social"]),
        language=rng.choice(["en", "de", None]),
        customer={
            "id": f"C-{rng.randrange(50)}",
            "plan": rng.choice(["free", "pro", "business", "enterprise"]),
            "account_age_days": rng.randrange(0, 3000),
            "open_tickets": rng.randrange(0, 6),
            "region": rng.choice(["EU", "US", None]),
        },
    )


def test_two_hundred_decisions_read_back_identical(client: FlaskClient, keys: Keys) -> None:
    rng = random.Random(7)
    created = []
    for n in range(200):
        r = client.post("/api/v1/decisions", json=_random_ticket(rng, n), headers=keys.both)
        assert r.status_code == 201, r.get_json()
        assert r.headers["Location"] == f"/api/v1/decisions/{r.json['id']}"
        created.append(r.get_json())
    assert len({d["id"] for d in created}) == 200
    for decision in created:
        r = client.get(f"/api/v1/decisions/{decision['id']}", headers=keys.both)
        assert r.status_code == 200
        again = r.get_json()
        # Each answer mints a fresh signed link (its timestamp differs); both name this id.
        assert _linked_id(again) == _linked_id(decision) == decision["id"]
        assert {**again, "links": None} == {**decision, "links": None}


def _linked_id(decision: dict[str, Any]) -> str | None:
    return LinkSigner(SECRET, 90).decision_id(decision["links"]["why"].rsplit("/", 1)[1])


def test_created_decision_has_the_spec_shape(client: FlaskClient, keys: Keys) -> None:
    r = client.post("/api/v1/decisions", json=ticket(), headers=keys.write)
    d = r.get_json()
    assert r.status_code == 201
    assert d["id"].startswith("dec_")
    assert d["ticket"]["body"].endswith("[EMAIL]")
    assert "name" not in d["ticket"]["customer"] and "email" not in d["ticket"]["customer"]
    assert "Jane" not in r.get_data(as_text=True)
    for model in ("intent", "priority"):
        e = d[model]["explanation"]
        total = e["base_value"] + sum(a["value"] for a in e["attributions"])
        assert abs(total + e["additivity_error"] - e["output_value"]) < 1e-9
    why = d["links"]["why"]
    assert why.startswith(PUBLIC_URL + "/why/")
    assert LinkSigner(SECRET, 90).decision_id(why.rsplit("/", 1)[1]) == d["id"]
    assert r.headers["Cache-Control"] == "no-store"


def test_explain_is_a_preview_that_stores_nothing(
    app: Flask, client: FlaskClient, keys: Keys
) -> None:
    r = client.post("/api/v1/explain", json=ticket(), headers=keys.write)
    assert r.status_code == 200
    assert r.json["id"] is None and r.json["links"] is None
    rows, total = app.extensions["explainer"].store.search(SearchQuery())
    assert total == 0 and rows == []


def test_models_lists_the_cards(client: FlaskClient, keys: Keys) -> None:
    r = client.get("/api/v1/models", headers=keys.read)
    assert r.status_code == 200
    names = {card["name"] for card in r.json["models"]}
    assert names == {"intent", "priority"}
    assert all(len(card["sha256"]) == 64 for card in r.json["models"])


def test_proof_verifies_and_its_read_writes_nothing(
    client: FlaskClient, keys: Keys, app: Flask
) -> None:
    store = app.extensions["explainer"].store
    d = client.post("/api/v1/decisions", json=ticket(), headers=keys.write).get_json()
    store.log.cancel()  # no head yet (the cadence would sign one within a second)
    head = store.log.latest()
    early = client.get(f"/api/v1/decisions/{d['id']}/proof", headers=keys.read)
    assert early.status_code == 409 and early.headers["Retry-After"] == "2"
    assert early.json["type"].endswith("/not-yet-covered")
    assert store.log.latest() == head  # the read signed nothing
    store.checkpoint()
    r = client.get(f"/api/v1/decisions/{d['id']}/proof", headers=keys.read)
    assert r.status_code == 200
    assert r.json["verified"] is True
    missing = client.get(
        "/api/v1/decisions/dec_00000000000000000000000000/proof", headers=keys.read
    )
    assert missing.status_code == 404


def test_unknown_decision_is_a_404_problem(client: FlaskClient, keys: Keys) -> None:
    for decision_id in ("dec_00000000000000000000000000", "x" * 300, "a%00b", "%F0%9F%98%80"):
        r = client.get(f"/api/v1/decisions/{decision_id}", headers=keys.read)
        assert r.status_code == 404
        assert r.mimetype == "application/problem+json"
        assert r.json["type"] == "https://explainer.dev/problems/not-found"


def test_idempotency_key_replays_the_same_decision(client: FlaskClient, keys: Keys) -> None:
    headers = {**keys.write, "Idempotency-Key": "order-1234-attempt"}
    first = client.post("/api/v1/decisions", json=ticket(), headers=headers)
    again = client.post("/api/v1/decisions", json=ticket(), headers=headers)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert {**again.get_json(), "links": None} == {**first.get_json(), "links": None}
    assert again.headers["Location"] == first.headers["Location"]


def test_idempotency_key_reused_with_another_body_is_409(client: FlaskClient, keys: Keys) -> None:
    headers = {**keys.write, "Idempotency-Key": "k-1"}
    assert client.post("/api/v1/decisions", json=ticket(), headers=headers).status_code == 201
    r = client.post("/api/v1/decisions", json=ticket(subject="Something else"), headers=headers)
    assert r.status_code == 409
    assert r.mimetype == "application/problem+json"
    assert r.json["type"] == "https://explainer.dev/problems/conflict"


@pytest.mark.parametrize("key", ["", " spaced key", "x" * 201, "caf\u00e9"])
def test_bad_idempotency_keys_are_422(client: FlaskClient, keys: Keys, key: str) -> None:
    headers = {**keys.write, "Idempotency-Key": key}
    r = client.post("/api/v1/decisions", json=ticket(), headers=headers)
    assert r.status_code == 422
    assert r.json["errors"][0]["loc"] == ["header", "Idempotency-Key"]


def test_no_key_is_401_with_a_challenge(client: FlaskClient) -> None:
    for method, path in [
        ("POST", "/api/v1/decisions"),
        ("POST", "/api/v1/explain"),
        ("GET", "/api/v1/decisions/dec_x"),
        ("GET", "/api/v1/models"),
    ]:
        r = client.open(path, method=method, json=ticket())
        assert r.status_code == 401, path
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert r.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "header",
    ["Bearer exk_wrong", "Basic dXNlcjpwYXNz", "Bearer", "bearer \x00", "Token abc"],
)
def test_invalid_keys_are_401(client: FlaskClient, header: str) -> None:
    r = client.get("/api/v1/models", headers={"Authorization": header})
    assert r.status_code == 401
    assert r.json["type"] == "https://explainer.dev/problems/unauthorized"


def test_keys_in_query_or_cookie_are_ignored(client: FlaskClient, keys: Keys) -> None:
    token = keys.read["Authorization"].split()[1]
    assert client.get(f"/api/v1/models?api_key={token}").status_code == 401
    client.set_cookie("api_key", token)
    assert client.get("/api/v1/models").status_code == 401


def test_revoked_key_is_401(app: Flask, client: FlaskClient) -> None:
    store = app.extensions["explainer"].store
    plaintext, key_id = store.api_keys.create("temp", ["decisions:read"])
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/api/v1/models", headers=headers).status_code == 200
    store.api_keys.revoke(key_id)
    assert client.get("/api/v1/models", headers=headers).status_code == 401


def test_scopes(client: FlaskClient, keys: Keys) -> None:
    r = client.post("/api/v1/decisions", json=ticket(), headers=keys.read)
    assert r.status_code == 403
    assert r.json["type"] == "https://explainer.dev/problems/forbidden"
    assert client.post("/api/v1/explain", json=ticket(), headers=keys.read).status_code == 403
    d = client.post("/api/v1/decisions", json=ticket(), headers=keys.write).get_json()
    assert client.get(f"/api/v1/decisions/{d['id']}", headers=keys.write).status_code == 403
    assert client.get("/api/v1/models", headers=keys.write).status_code == 403
    assert client.get(f"/api/v1/decisions/{d['id']}", headers=keys.read).status_code == 200
    # admin implies the others
    assert client.get(f"/api/v1/decisions/{d['id']}", headers=keys.admin).status_code == 200
    assert client.post("/api/v1/decisions", json=ticket(), headers=keys.admin).status_code == 201
