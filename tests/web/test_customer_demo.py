"""The demo help centre: off unless DEMO, CSRF, validation, rate limit, the Why? link."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from customer_helpers import csrf_of, customer_app
from flask import Flask
from flask.testing import FlaskClient

from explainer.web.customer.demo import RATE, RateLimiter


@pytest.fixture
def demo_app(models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    """The real app with the demo on."""
    application = customer_app(models_dir, tmp_path, DEMO=True)
    yield application
    application.extensions["explainer"].close()


def form(client: FlaskClient, **fields: str) -> dict[str, str]:
    """A filled-in ticket form with a fresh CSRF token."""
    token = csrf_of(client.get("/demo").get_data(as_text=True))
    return {
        "csrf_token": token,
        "subject": "Can't log in",
        "body": "My password is wrong",
        "channel": "web",
        "plan": "pro",
        "account_age_days": "30",
        "open_tickets": "1",
        "name": "Jane Roe",
        **fields,
    }


def test_submit_then_why(demo_app: Flask) -> None:
    client = demo_app.test_client()
    r = client.post("/demo", data=form(client, body="Jane Roe here, my password is wrong"))
    assert r.status_code == 303
    sent = client.get(r.headers["Location"])
    html = sent.get_data(as_text=True)
    assert sent.status_code == 200 and "We have your ticket" in html
    why = html.split('class="button-link" href="', 1)[1].split('"', 1)[0]
    page = client.get(why).get_data(as_text=True)
    assert "Why your ticket was handled this way" in page
    assert "Jane Roe" not in page  # the customer's own name is redacted


def test_demo_needs_csrf_and_valid_fields(demo_app: Flask) -> None:
    client = demo_app.test_client()
    assert client.post("/demo", data={"subject": "x"}).status_code == 400
    r = client.post("/demo", data=form(client, subject="", body=""))
    assert r.status_code == 422 and 'role="alert"' in r.get_data(as_text=True)
    r = client.post("/demo", data=form(client, plan="platinum", subject="<b>kept</b>"))
    assert r.status_code == 422
    assert "&lt;b&gt;kept&lt;/b&gt;" in r.get_data(as_text=True)


def test_demo_is_rate_limited_per_client(demo_app: Flask) -> None:
    client = demo_app.test_client()
    codes = [client.post("/demo", data=form(client)).status_code for _ in range(RATE + 1)]
    assert codes[:RATE] == [303] * RATE and codes[RATE] == 429


def test_rate_limiter_window() -> None:
    limiter = RateLimiter(2, 60.0)
    assert limiter.allow("a", 0.0) and limiter.allow("a", 1.0)
    assert not limiter.allow("a", 2.0)
    assert limiter.allow("b", 2.0)
    assert limiter.allow("a", 60.5)
