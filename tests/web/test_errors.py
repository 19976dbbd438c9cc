"""Bad input never reaches the models or the database, and never causes a 5xx."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from web_helpers import Keys, ticket

from explainer.oversight.query import SearchQuery
from explainer.store.ledger import log as store_log
from explainer.store.tables import decisions, log_leaves, payloads

PROBLEM = "application/problem+json"
BASE = "https://explainer.dev/problems/"


def _post(client: FlaskClient, keys: Keys, data: Any, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post("/api/v1/decisions", data=raw, content_type=content_type, headers=keys.write)


def _assert_problem(r: Any, status: int, slug: str) -> dict[str, Any]:
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.mimetype == PROBLEM
    body: dict[str, Any] = r.get_json(force=True)
    assert body["type"] == BASE + slug
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["instance"].startswith("/")
    return body


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"",
        b"not json",
        b'{"subject": "a",}',
        b"\xff\xfe\x00",
        b'{"subject": NaN}',
        b"[" * 100_000,
    ],
)
def test_invalid_json_is_400(client: FlaskClient, keys: Keys, raw: bytes) -> None:
    _assert_problem(_post(client, keys, raw), 400, "bad-request")


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_wrong_content_type_is_415(client: FlaskClient, keys: Keys, content_type: str) -> None:
    r = _post(client, keys, ticket(), content_type)
    _assert_problem(r, 415, "unsupported-media-type")


def test_json_with_charset_is_accepted(client: FlaskClient, keys: Keys) -> None:
    assert _post(client, keys, ticket(), "application/json; charset=utf-8").status_code == 201


def test_oversized_body_is_413(client: FlaskClient, keys: Keys) -> None:
    r = _post(client, keys, ticket(body="x" * 300_000))
    _assert_problem(r, 413, "payload-too-large")


def _customer(**fields: Any) -> dict[str, Any]:
    return {"plan": "pro", **fields}


INVALID = {
    "unknown field": ticket(priority="urgent"),
    "unknown nested field": ticket(customer=_customer(vip=True)),
    "wrong channel": ticket(channel="fax"),
    "wrong plan": ticket(customer=_customer(plan="gold")),
    "empty text": ticket(subject="", body=""),
    "whitespace text": ticket(subject="  \n", body="\t"),
    "missing text": {"channel": "email"},
    "negative age": ticket(customer=_customer(account_age_days=-1)),
    "fractional tickets": ticket(customer=_customer(open_tickets=1.5)),
    "text not a string": ticket(subject=["a"]),
    "subject too long": ticket(subject="x" * 20_001),
    "body too long": ticket(body="word " * 4_001),
    "NUL in body": ticket(body="hello\x00world"),
    "NUL in customer id": ticket(customer=_customer(id="C\x00")),
    "not an object": ["subject", "body"],
    "null": None,
}


@pytest.mark.parametrize("body", INVALID.values(), ids=INVALID.keys())
def test_invalid_tickets_are_422_with_field_errors(
    client: FlaskClient, keys: Keys, body: Any
) -> None:
    problem = _assert_problem(_post(client, keys, body), 422, "validation")
    assert problem["errors"]
    for error in problem["errors"]:
        assert set(error) == {"loc", "msg", "type"}


@pytest.mark.parametrize(
    "raw",
    [
        b'{"subject": "broken \\ud800 text"}',
        b'{"subject": "ok", "body": "tail \\udfff"}',
        b'{"subject": "ok", "customer": {"name": "\\ud83d"}}',
        b'{"subject": "ok", "\\ud800": 1}',
    ],
)
def test_lone_surrogates_are_422_and_never_stored(
    app: Flask, client: FlaskClient, keys: Keys, raw: bytes
) -> None:
    _assert_problem(_post(client, keys, raw), 422, "validation")
    assert app.extensions["explainer"].store.search(SearchQuery())[1] == 0


def test_the_preview_validates_the_same_way(client: FlaskClient, keys: Keys) -> None:
    r = client.post("/api/v1/explain", json=ticket(channel="fax"), headers=keys.write)
    _assert_problem(r, 422, "validation")
    assert r.json["errors"][0]["loc"] == ["channel"]


def test_unknown_api_route_is_a_404_problem(client: FlaskClient) -> None:
    _assert_problem(client.get("/api/v1/nothing-here"), 404, "not-found")


def test_unknown_page_is_an_html_404(client: FlaskClient) -> None:
    r = client.get("/nothing-here")
    assert r.status_code == 404
    assert r.mimetype == "text/html"
    assert "Not found" in r.get_data(as_text=True)


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    r = client.delete("/api/v1/decisions")
    _assert_problem(r, 405, "method-not-allowed")
    assert "POST" in r.headers["Allow"]


def test_unexpected_error_is_a_500_problem_without_details(
    app: Flask,
    client: FlaskClient,
    keys: Keys,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def boom(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("jane@example.org broke it")

    monkeypatch.setattr(app.extensions["explainer"].decider, "decide", boom)
    with caplog.at_level(logging.ERROR):
        r = client.post("/api/v1/explain", json=ticket(), headers=keys.write)
    problem = _assert_problem(r, 500, "internal")
    assert "jane" not in r.get_data(as_text=True) and "RuntimeError" not in problem["detail"]
    assert "jane" not in caplog.text and "RuntimeError" in caplog.text


def _counts(app: Flask) -> tuple[int, int, int]:
    engine = app.extensions["explainer"].store.engine
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (decisions, payloads, log_leaves)
        )


def test_a_failure_between_writes_leaves_no_partial_record(
    app: Flask, client: FlaskClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _counts(app)
    inserted: list[str] = []

    def fail_after_insert(conn: Any, kind: str, ref_id: str, commit: str, *_: Any) -> int:
        # The decision row and its payload are in the transaction; the leaf never comes.
        inserted.append(ref_id)
        assert conn.execute(select(decisions.c.id).where(decisions.c.id == ref_id)).first()
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_log, "append_leaf", fail_after_insert)
    headers = {**keys.write, "Idempotency-Key": "retry-me"}
    r = client.post("/api/v1/decisions", json=ticket(), headers=headers)
    _assert_problem(r, 500, "internal")
    assert inserted and _counts(app) == before
    assert app.extensions["explainer"].store.get_decision(inserted[0]) is None
    monkeypatch.undo()
    # The retry with the same key is a fresh, complete write.
    again = client.post("/api/v1/decisions", json=ticket(), headers=headers)
    assert again.status_code == 201
    assert _counts(app)[0] == before[0] + 1
