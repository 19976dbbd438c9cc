"""What a hostile-input run found, each with the answer it should have had."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from auditor_helpers import PASSWORD, accounts, console_app, sign_in, signed_in
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import Keys, ticket

from explainer.errors import ValidationFailed
from explainer.web.customer.demo import RateLimiter


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("account_age_days", True),
        ("open_tickets", False),
        ("account_age_days", "5"),
        ("open_tickets", 1.5),
        ("account_age_days", "1e5"),
        ("open_tickets", [1]),
    ],
)
def test_an_integer_field_takes_only_an_integer(
    client: FlaskClient, keys: Keys, field: str, value: Any
) -> None:
    body = ticket()
    body["customer"][field] = value
    r = client.post("/api/v1/decisions", json=body, headers=keys.write)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["errors"][0]["loc"] == ["customer", field]


def test_an_integral_json_number_is_the_integer_it_equals(client: FlaskClient, keys: Keys) -> None:
    # 412.0 and 4.12e2 are the number 412 in JSON's data model and integers to JSON
    # Schema (the OpenAPI document's contract); they are read as 412, not refused.
    for written in (b"412.0", b"4.12e2"):
        raw = b'{"subject": "Refund please", "customer": {"account_age_days": ' + written + b"}}"
        headers = {**keys.write, "Content-Type": "application/json"}
        r = client.post("/api/v1/decisions", data=raw, headers=headers)
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["ticket"]["customer"]["account_age_days"] == 412


def test_a_string_field_takes_only_a_string(client: FlaskClient, keys: Keys) -> None:
    r = client.post("/api/v1/explain", json={"subject": 42}, headers=keys.write)
    assert r.status_code == 422


@pytest.mark.parametrize(
    "raw",
    [
        b'{"subject": "a", "subject": "b"}',
        b'{"subject": "x", "customer": {"plan": "pro", "plan": "free"}}',
        json.dumps({"subject": "Refund please"}).encode("utf-16"),
        json.dumps({"subject": "Refund please"}).encode("utf-32"),
        b"\xef\xbb\xbf" + json.dumps({"subject": "Refund please"}).encode(),
    ],
    ids=["duplicate", "nested-duplicate", "utf-16", "utf-32", "utf-8-bom"],
)
def test_only_plain_utf8_json_with_unique_names(
    client: FlaskClient, keys: Keys, raw: bytes
) -> None:
    r = client.post(
        "/api/v1/decisions", data=raw, headers={**keys.write, "Content-Type": "application/json"}
    )
    assert r.status_code == 400, r.get_json()
    assert r.mimetype == "application/problem+json"


@pytest.fixture
def console(models_dir: Path, tmp_path: Path, clean_env: None) -> Flask:
    app = console_app(f"sqlite:///{tmp_path / 'db.sqlite'}", models_dir, tmp_path, DEMO=True)
    yield app
    app.extensions["explainer"].close()


@pytest.mark.parametrize(
    "query", ["until=9999-12-31", "until=0000-01-01", "since=10000-01-01", "since=2026-02-30"]
)
def test_out_of_range_dates_are_a_readable_error(console: Flask, query: str) -> None:
    client = signed_in(console, "auditor")
    page = client.get(f"/audit/?{query}")
    assert page.status_code == 200 and "must be a date" in page.get_data(as_text=True)
    for export in ("/audit/decisions.csv", "/audit/decisions.json"):
        r = client.get(f"{export}?{query}")
        r.close()
        assert r.status_code == 422, (export, r.status_code)  # never widened to everything
    assert client.get(f"/audit/fairness?{query}").status_code < 500


def test_the_demo_refuses_a_superscript_digit_with_a_page(console: Flask) -> None:
    client = console.test_client()
    form = client.get("/demo").get_data(as_text=True)
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post(
        "/demo",
        data={"subject": "Refund", "body": "x", "account_age_days": "²", "csrf_token": token},
    )
    assert r.status_code in (400, 422) and "<html" in r.get_data(as_text=True).lower()


def test_the_demo_limiter_forgets_the_oldest_of_too_many_addresses() -> None:
    limiter = RateLimiter(rate=2, window=60, max_keys=100)
    for i in range(1_000):
        assert limiter.allow(f"198.51.100.{i}", now=float(i))
    assert len(limiter) == 100
    assert limiter.allow("x", now=0.0) and limiter.allow("x", now=1.0)
    assert not limiter.allow("x", now=2.0)


def test_weak_console_passwords_are_refused_with_advice(console: Flask) -> None:
    for weak in ("aaaaaaaaaaaa", "password1234", "Password1234!", "short"):
        with pytest.raises(ValidationFailed) as refused:
            accounts(console).create_user("weakling", weak, "auditor", actor="test")
        assert "password" in refused.value.detail
    with pytest.raises(ValidationFailed, match="too easy to guess"):
        accounts(console).create_user("jane", "qwertyuiop123", "auditor", actor="test")
    accounts(console).create_user("strong", PASSWORD, "auditor", actor="test")


def test_parallel_wrong_passwords_never_pass_the_limit(
    console: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = accounts(console)
    found.create_user("target", PASSWORD, "admin", actor="test")
    checked: list[int] = []
    real_check = found._check

    def counting(hashed: str, password: str) -> bool:
        checked.append(1)
        return real_check(hashed, password)

    monkeypatch.setattr(found, "_check", counting)
    start = threading.Barrier(24)

    def attempt() -> None:
        start.wait()
        sign_in(console.test_client(), "target", "not the password at all")

    threads = [threading.Thread(target=attempt) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) <= 5, f"{len(checked)} attempts reached the password check"


def test_every_cookie_is_secure_when_the_public_url_is_https(console: Flask) -> None:
    assert console.extensions["explainer"].settings.public_url.startswith("http://")
    service = console.extensions["explainer"]
    service.settings = service.settings.model_copy(update={"public_url": "https://x.example"})
    client = console.test_client()  # plain http to the app, as behind a TLS proxy
    accounts(console).create_user("cookie", PASSWORD, "auditor", actor="test")
    login = client.get("/audit/login")
    signed = sign_in(client, "cookie")
    demo = client.get("/demo")
    cookies = [c for r in (login, signed, demo) for c in r.headers.getlist("Set-Cookie")]
    assert cookies and all("Secure" in c for c in cookies), cookies
