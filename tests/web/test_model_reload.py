"""A promotion (or rollback) reaches a serving process without a restart."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from web_helpers import app_config, ticket

from explainer.model.registry import load_card, load_pipeline, write_version
from explainer.service.maintenance import ModelWatcher
from explainer.web.app import build_app


@pytest.fixture
def served(db_url: str, models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    shutil.copytree(models_dir, tmp_path / "models")
    app = build_app(app_config(db_url, tmp_path / "models", tmp_path))
    app.extensions["explainer"].store.upgrade()
    yield app
    # Closed here, not left to the collector: a PostgreSQL connection collected open
    # warns inside whichever later test the collector happens to run in.
    app.extensions["explainer"].close()


def _new_intent_version(models: Path) -> str:
    card = load_card(models, "intent")
    kept = {k: v for k, v in card.items() if k not in ("version", "sha256", "artifact", "serving")}
    return write_version(models, "intent", load_pipeline(models, "intent"), kept).name


def test_newly_current_versions_serve_without_a_restart(
    served: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = served.extensions["explainer"]
    key, _ = service.store.api_keys.create("reload", ["decisions:write", "decisions:read"])
    headers = {"Authorization": f"Bearer {key}"}
    before = service.decider.models["intent"].version
    watcher = ModelWatcher(service, 3600)
    watcher.run_once()
    assert service.decider.models["intent"].version == before  # nothing changed
    client = served.test_client()
    shown = client.post("/api/v1/decisions", json=ticket(), headers=headers).get_json()
    why = "/why/" + shown["links"]["why"].rsplit("/why/", 1)[1]
    assert client.get(why).status_code == 200  # rendered and kept

    after = _new_intent_version(tmp_path / "models")  # makes it current, as promote does
    assert after != before
    watcher.run_once()
    assert service.decider.models["intent"].version == after
    # Label names on the page come from the models in service: the kept page is not reused.
    assert client.get(why).status_code == 200
    assert len(served.extensions["explainer.pages"]._items) == 2
    assert service.cards["intent"]["version"] == after
    made = served.test_client().post("/api/v1/decisions", json=ticket(), headers=headers)
    assert made.status_code == 201
    assert made.get_json()["intent"]["model"]["version"] == after

    # A current version that does not verify: logged, and the verified ones keep serving.
    (tmp_path / "models" / "intent" / "current").write_text("no-such-version\n")
    with caplog.at_level(logging.WARNING):
        watcher.run_once()
    assert service.decider.models["intent"].version == after
    assert "new model versions not loaded (ModelIntegrityError" in caplog.text
    again = served.test_client().post("/api/v1/decisions", json=ticket(), headers=headers)
    assert again.status_code == 201
