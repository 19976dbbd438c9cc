"""Webhooks from `explainer serve`: a receiver down for 30 s loses nothing (slow)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from served_app import EXPLAINER, Served, migrated_with_key, request
from webhook_receiver import Receiver

from explainer.webhooks.signing import new_secret, verify

pytestmark = pytest.mark.slow

SENSITIVE = "My mother passed away last week. Please close her account."


def test_a_receiver_down_for_30_seconds_gets_every_event_once_restarted(
    database_url: str, models_dir: Path, tmp_path: Path
) -> None:
    shutil.copytree(models_dir, tmp_path / "models")
    env = {
        "EXPLAINER_DATABASE_URL": database_url,
        "EXPLAINER_MODELS_DIR": str(tmp_path / "models"),
        "EXPLAINER_INSTANCE_PATH": str(tmp_path / "instance"),
        "EXPLAINER_SECRET_KEY": "webhook-tests",
        "EXPLAINER_WEBHOOK_ALLOW_PRIVATE": "1",
        "EXPLAINER_WEBHOOK_BACKOFF_SECONDS": "1",
        "EXPLAINER_WEBHOOK_BACKOFF_MAX_SECONDS": "4",
        "EXPLAINER_WEBHOOK_MAX_ATTEMPTS": "100",
    }
    key = migrated_with_key(env, "hooks")
    probe = Receiver().start()
    port = probe.port
    probe.stop()  # the helpdesk is down
    secret = new_secret()
    subprocess.run(
        [
            EXPLAINER,
            "webhooks",
            "add",
            "--url",
            f"http://127.0.0.1:{port}/hook",
            "--event",
            "decision.created",
            "--event",
            "handoff.required",
            "--secret-stdin",
        ],
        input=secret + "\n",
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    served = Served(env)
    receiver = Receiver(port)
    try:
        served.start()
        headers = {"Authorization": f"Bearer {key}"}
        made = []
        for i in range(12):
            body = SENSITIVE if i % 4 == 0 else f"The app crashes when I upload file {i}"
            status, decision = request(
                "POST",
                served.base + "/api/v1/decisions",
                {"subject": "Help", "body": body},
                headers,
            )
            assert status == 201, decision
            made.append(decision)
        expected = len(made) + sum(d["handoff"]["required"] for d in made)
        time.sleep(30)  # retried against a closed port all this time
        receiver.start()
        deadline = time.monotonic() + 60
        while (
            time.monotonic() < deadline
            and len({h["webhook-id"] for h, _ in receiver.got}) < expected
        ):
            time.sleep(0.5)
    finally:
        served.stop()
        receiver.stop()
        log = tmp_path / "serve.log"
        if log.exists():
            print(log.read_text("utf-8", "replace")[-3000:])
    got = {h["webhook-id"]: (h, b) for h, b in receiver.got}
    assert len(got) == expected, f"{len(got)} of {expected} events arrived"
    for msg_id, (h, raw) in got.items():
        assert verify(secret, msg_id, int(h["webhook-timestamp"]), raw, h["webhook-signature"])
    ids = {json.loads(b)["data"]["decision_id"] for _, b in got.values()}
    assert ids == {d["id"] for d in made}
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, attempts, state FROM webhook_outbox")).all()
    finally:
        engine.dispose()
    # The ids received are the outbox's own, each retried while the receiver was down.
    assert {r[0] for r in rows} == set(got)
    assert all(r[2] == "delivered" for r in rows)
    assert all(r[1] >= 2 for r in rows)
