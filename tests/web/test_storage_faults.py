"""Storage faults answer 503 with Retry-After on every surface, and leave nothing written."""

from __future__ import annotations

import fcntl
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from web_helpers import app_config, ticket

from explainer.schemas import TicketIn
from explainer.store.tables import decisions, log_leaves
from explainer.web.app import build_app


@pytest.fixture
def sqlite_app(models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = build_app(app_config(url, models_dir, tmp_path, LOCK_TIMEOUT_SECONDS=0.3))
    app.extensions["explainer"].store.upgrade()
    yield app
    app.extensions["explainer"].close()


def _bearer(app: Flask) -> dict[str, str]:
    plaintext, _ = app.extensions["explainer"].store.api_keys.create("t", ["decisions:write"])
    return {"Authorization": f"Bearer {plaintext}"}


def _rows(app: Flask) -> tuple[int, int]:
    with app.extensions["explainer"].store.engine.connect() as conn:
        count = [
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (decisions, log_leaves)
        ]
    return count[0], count[1]


def test_a_held_write_lock_gives_503_quickly_and_writes_nothing(
    sqlite_app: Flask, tmp_path: Path
) -> None:
    client, headers = sqlite_app.test_client(), _bearer(sqlite_app)
    before = _rows(sqlite_app)
    holder = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        answer = client.post("/api/v1/decisions", json=ticket(), headers=headers)
        assert answer.status_code == 503 and answer.mimetype == "application/problem+json"
        assert answer.headers["Retry-After"].isdigit()
        assert answer.get_json()["type"].endswith("/storage-unavailable")
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["checks"]["database"] is False
        assert time.monotonic() - started < 3  # bounded waits, never the worker's timeout
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _rows(sqlite_app) == before  # nothing half-written
    assert client.get("/readyz").status_code == 200  # and back by itself
    assert client.post("/api/v1/decisions", json=ticket(), headers=headers).status_code == 201


def test_a_held_writer_turn_gives_503_quickly_and_writes_nothing(
    sqlite_app: Flask, tmp_path: Path
) -> None:
    # Writers take turns on a file lock beside the database before SQLite's own lock;
    # a turn held elsewhere (a stuck process) is waited for within the same bound.
    client, headers = sqlite_app.test_client(), _bearer(sqlite_app)
    before = _rows(sqlite_app)
    with open(tmp_path / "db.sqlite-writer", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        started = time.monotonic()
        answer = client.post("/api/v1/decisions", json=ticket(), headers=headers)
        assert answer.status_code == 503 and answer.headers["Retry-After"].isdigit()
        assert time.monotonic() - started < 3
    assert _rows(sqlite_app) == before
    assert client.post("/api/v1/decisions", json=ticket(), headers=headers).status_code == 201


def test_writers_in_many_threads_take_turns_without_loss(
    models_dir: Path, tmp_path: Path, clean_env: None
) -> None:
    # The default lock wait: the 0.3 s the fault tests use (to answer 503 quickly) can
    # pass on a busy machine while three other writers and an fsync go first.
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = build_app(app_config(url, models_dir, tmp_path))
    try:
        store = app.extensions["explainer"].store
        store.upgrade()
        made = app.extensions["explainer"].decider.decide(TicketIn.model_validate(ticket()))
        with ThreadPoolExecutor(4) as pool:
            saved = list(pool.map(lambda _: store.save_decision(made)[0].id, range(40)))
        assert len(set(saved)) == 40 and _rows(app)[1] >= 40
        assert store.verify_log().ok
    finally:
        app.extensions["explainer"].close()


def test_an_unreachable_database_is_503_on_the_api_and_a_page_in_html(
    models_dir: Path, tmp_path: Path, clean_env: None
) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"  # nothing listens on port 1
    app = build_app(app_config(url, models_dir, tmp_path))
    client = app.test_client()
    api = client.post(
        "/api/v1/decisions", json=ticket(), headers={"Authorization": "Bearer abc.def"}
    )
    assert api.status_code == 503 and api.headers["Retry-After"].isdigit()
    assert api.mimetype == "application/problem+json"
    client.set_cookie("explainer_audit", "a-session", path="/audit")
    page = client.get("/audit/")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "Storage unavailable" in page.get_data(as_text=True) and "Retry-After" in page.headers
    assert client.get("/healthz").status_code == 200  # liveness never touches the database
