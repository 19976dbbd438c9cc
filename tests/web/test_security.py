"""Security headers on every response; the CSP nonce; the HTML error pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from web_helpers import app_config

from explainer.web.app import build_app


@pytest.fixture
def quick_app(models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    """An app over SQLite with widget origins and an https public URL."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = build_app(
        app_config(url, models_dir, tmp_path, WIDGET_ORIGINS=["https://help.example.com"])
    )
    yield app
    app.extensions["explainer"].close()


@pytest.mark.parametrize("path", ["/healthz", "/api/openapi.json", "/nothing", "/api/v1/models"])
def test_headers_on_every_response(client: FlaskClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" in r.headers  # PUBLIC_URL is https in the tests
    policy = r.headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_nonce_is_fresh_per_request_and_reaches_templates(client: FlaskClient) -> None:
    a, b = client.get("/nothing"), client.get("/nothing")
    nonce_a = a.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    nonce_b = b.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert nonce_a != nonce_b and len(nonce_a) >= 16
    assert f'nonce="{nonce_a}"' in a.get_data(as_text=True)


def test_widget_origins_may_frame_the_why_page_and_nothing_else(quick_app: Flask) -> None:
    service = quick_app.extensions["explainer"]
    service.settings = service.settings.model_copy(update={"public_url": "http://127.0.0.1:8000"})
    client = quick_app.test_client()
    why = client.get("/why/not-a-live-token")  # the customer's pages, even their 404
    assert "frame-ancestors https://help.example.com" in why.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in why.headers
    assert "Strict-Transport-Security" not in why.headers
    for path in ("/audit/login", "/audit/users", "/healthz", "/api/v1/log", "/api/openapi.json"):
        r = client.get(path)
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"], path
        assert r.headers["X-Frame-Options"] == "DENY", path


def test_error_pages_render_and_escape(quick_app: Flask) -> None:
    with quick_app.test_request_context("/x"):
        html = render_template(
            "errors/error.html", status=418, title="<b>Teapot</b>", detail="<script>x</script>"
        )
        assert "&lt;script&gt;" in html and "<script>x" not in html
        assert "Not found" in render_template("errors/404.html", status=404)


def test_html_405_page(client: FlaskClient) -> None:
    r = client.delete("/audit/")
    assert r.status_code == 405 and r.mimetype == "text/html"
    assert "GET" in r.headers["Allow"]
    machine = client.post("/healthz")  # machine endpoints answer as the API does
    assert machine.status_code == 405 and machine.mimetype == "application/problem+json"


def test_flask_session_is_closed_and_sets_no_cookie(quick_app: Flask) -> None:
    # Sign-in and forms keep their own cookies; Flask's signed session must stay unused.
    from flask import session

    with quick_app.test_request_context("/"), pytest.raises(RuntimeError):
        session["anything"] = 1
    answer = quick_app.test_client().get("/healthz")
    assert not any(
        c.startswith(quick_app.config["SESSION_COOKIE_NAME"] + "=")
        for c in answer.headers.getlist("Set-Cookie")
    )
