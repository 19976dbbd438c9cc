"""A budget per API key (EXPLAINER_RATE_LIMIT) that holds across workers, and proxies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from auditor_helpers import PASSWORD, accounts, sign_in
from flask import Flask
from web_helpers import app_config, ticket

from explainer.web.app import build_app


@pytest.fixture
def workers(
    db_url: str, models_dir: Path, tmp_path: Path, clean_env: None
) -> Iterator[list[Flask]]:
    """Two apps over one database, as two gunicorn workers are."""
    config = app_config(db_url, models_dir, tmp_path, RATE_LIMIT="5/hour")
    apps = [build_app(config), build_app(config)]
    apps[0].extensions["explainer"].store.upgrade()
    yield apps
    for app in apps:
        app.extensions["explainer"].close()


def test_one_budget_per_key_across_workers(workers: list[Flask]) -> None:
    store = workers[0].extensions["explainer"].store
    key, _ = store.api_keys.create("busy", ["decisions:write", "decisions:read"])
    other, _ = store.api_keys.create("quiet", ["decisions:write"])
    headers = {"Authorization": f"Bearer {key}"}
    statuses = [
        workers[i % 2].test_client().post("/api/v1/explain", json=ticket(), headers=headers)
        for i in range(7)
    ]
    assert [r.status_code for r in statuses] == [200] * 5 + [429] * 2
    refused = statuses[-1]
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["type"].endswith("/rate-limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    fresh = (
        workers[1]
        .test_client()
        .post("/api/v1/explain", json=ticket(), headers={"Authorization": f"Bearer {other}"})
    )
    assert fresh.status_code == 200  # another key has its own budget


def test_a_batch_costs_its_tickets(workers: list[Flask]) -> None:
    store = workers[0].extensions["explainer"].store
    key, _ = store.api_keys.create("importer", ["decisions:write"])
    headers = {"Authorization": f"Bearer {key}"}
    client = workers[0].test_client()
    items = [{"ticket": ticket()} for _ in range(4)]
    assert (
        client.post("/api/v1/decisions:batch", json={"items": items}, headers=headers).status_code
        == 200
    )
    over = client.post("/api/v1/decisions:batch", json={"items": items[:2]}, headers=headers)
    assert over.status_code == 429  # 4 + 2 > 5


def test_no_limit_unless_configured(app: Flask, keys: object) -> None:
    client = app.test_client()
    headers = keys.write  # type: ignore[attr-defined]
    assert all(
        client.post("/api/v1/explain", json=ticket(), headers=headers).status_code == 200
        for _ in range(12)
    )


def test_behind_a_trusted_proxy_the_client_address_and_scheme_are_believed(
    models_dir: Path, tmp_path: Path, clean_env: None
) -> None:
    config = app_config(
        f"sqlite:///{tmp_path / 'db.sqlite'}", models_dir, tmp_path,
        TRUSTED_PROXIES=1, PUBLIC_URL="http://internal.example",
    )  # fmt: skip
    app = build_app(config)
    service = app.extensions["explainer"]
    service.store.upgrade()
    try:
        accounts(app).create_user("proxied", PASSWORD, "auditor", actor="test")
        forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        client = app.test_client()
        page = client.get("/audit/login", headers=forwarded)
        token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        signed = client.post(
            "/audit/login",
            data={"username": "proxied", "password": "wrong password", "csrf_token": token},
            headers=forwarded,
        )
        assert signed.status_code in (200, 400, 401)
        assert all("Secure" in c for c in page.headers.getlist("Set-Cookie"))
        assert service.accounts.recent_failures("proxied", "203.0.113.9") == 1
        assert sign_in(app.test_client(), "proxied").status_code == 303
    finally:
        service.close()
