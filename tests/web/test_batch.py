"""POST /api/v1/decisions:batch: each ticket gets its own result or problem, in order."""

from __future__ import annotations

from flask.testing import FlaskClient
from web_helpers import Keys, ticket

from explainer.web.api.batch import MAX_ITEMS

URL = "/api/v1/decisions:batch"


def test_a_hundred_mixed_items_get_one_result_each_in_order(
    client: FlaskClient, keys: Keys
) -> None:
    items = []
    for i in range(MAX_ITEMS):
        if i % 10 == 3:
            items.append({"ticket": {"subject": "", "body": ""}})  # no text: 422
        elif i % 10 == 7:
            items.append({"ticket": ticket(), "idempotency_key": "bad key with spaces"})
        else:
            items.append({"ticket": ticket(subject=f"Refund {i}"), "idempotency_key": f"k-{i}"})
    answer = client.post(URL, json={"items": items}, headers=keys.both)
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r["index"] for r in results] == list(range(MAX_ITEMS))
    bad = {i for i in range(MAX_ITEMS) if i % 10 in (3, 7)}
    assert {r["index"] for r in results if r["status"] == 422} == bad
    for r in results:
        if r["index"] in bad:
            assert r["decision"] is None and r["problem"]["status"] == 422
            assert r["problem"]["errors"] and r["problem"]["instance"].endswith(f"/{r['index']}")
        else:
            assert r["status"] == 201 and r["problem"] is None and r["decision"]["id"]
    stored = results[0]["decision"]["id"]
    got = client.get(f"/api/v1/decisions/{stored}", headers=keys.both)
    assert got.status_code == 200 and got.get_json()["ticket"]["subject"] == "Refund 0"


def test_a_replayed_item_returns_its_first_decision(client: FlaskClient, keys: Keys) -> None:
    item = {"ticket": ticket(), "idempotency_key": "same-key"}
    first = client.post(URL, json={"items": [item]}, headers=keys.write).get_json()
    again = client.post(URL, json={"items": [item, item]}, headers=keys.write).get_json()
    assert [r["status"] for r in first["results"]] == [201]
    assert [r["status"] for r in again["results"]] == [200, 200]
    ids = {r["decision"]["id"] for r in first["results"] + again["results"]}
    assert len(ids) == 1
    changed = {"ticket": ticket(subject="Other"), "idempotency_key": "same-key"}
    conflict = client.post(URL, json={"items": [changed]}, headers=keys.write).get_json()
    assert conflict["results"][0]["status"] == 409


def test_the_envelope_is_validated_and_scoped(client: FlaskClient, keys: Keys) -> None:
    too_many = {"items": [{"ticket": ticket()}] * (MAX_ITEMS + 1)}
    assert client.post(URL, json=too_many, headers=keys.write).status_code == 422
    assert client.post(URL, json={"items": []}, headers=keys.write).status_code == 422
    assert client.post(URL, json=[ticket()], headers=keys.write).status_code == 422
    assert client.post(URL, data="{", headers=keys.write,
                       content_type="application/json").status_code == 400  # fmt: skip
    assert (
        client.post(URL, json={"items": [{"ticket": ticket()}]}, headers=keys.read).status_code
        == 403
    )
    assert client.post(URL, json={"items": [{"ticket": ticket()}]}).status_code == 401
