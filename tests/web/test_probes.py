"""Liveness, readiness and metrics."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from web_helpers import Keys, app_config, ticket

from explainer.web.app import build_app


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_when_database_and_models_are_there(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": True, "models": True}}


def test_readyz_without_models_or_database(tmp_path: Path, clean_env: None) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"  # nothing listens on port 1
    app = build_app(app_config(url, tmp_path / "no-models", tmp_path))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": False, "models": False}


def test_metrics_count_requests_and_decisions(client: FlaskClient, keys: Keys) -> None:
    assert client.post("/api/v1/decisions", json=ticket(), headers=keys.write).status_code == 201
    client.get("/api/v1/decisions/dec_unknown", headers=keys.read)
    assert client.get("/metrics").status_code == 401  # not public: a scraper has a key
    assert client.get("/metrics", headers=keys.read).status_code == 403
    scraper, _ = client.application.extensions["explainer"].store.api_keys.create(
        "prometheus", ["metrics:read"]
    )
    text = client.get("/metrics", headers={"Authorization": f"Bearer {scraper}"}).get_data(
        as_text=True
    )
    assert (
        'explainer_http_requests_total{endpoint="/api/v1/decisions",method="POST",status="201"}'
        in text
    )
    assert 'endpoint="/api/v1/decisions/<decision_id>",method="GET",status="404"' in text
    assert "dec_unknown" not in text  # route templates, never ids, as label values
    assert "explainer_http_request_duration_seconds_bucket" in text
    assert "explainer_decisions_total{label=" in text and 'model="intent"' in text
