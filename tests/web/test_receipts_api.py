"""Receipts on the API and the why page; the public log; verify and witness commands."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from customer_helpers import csrf_of, customer_app, make
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from tamper_helpers import drop_every_trigger, rehash_leaves
from web_helpers import Keys, ticket

from explainer.cli.main import main
from explainer.tlog import merkle, notes
from explainer.tlog.keys import public_from_b64


def test_post_and_get_return_the_same_receipt(client: FlaskClient, keys: Keys) -> None:
    made = client.post("/api/v1/decisions", json=ticket(), headers=keys.both)
    assert made.status_code == 201
    receipt = made.get_json()["receipt"]
    assert set(receipt) == {"log_id", "leaf_hash", "index", "timestamp", "signature"}
    again = client.get(f"/api/v1/decisions/{made.get_json()['id']}", headers=keys.read)
    assert again.get_json()["receipt"] == receipt
    log = client.get("/api/v1/log").get_json()  # public: no key
    assert log["log_id"] == receipt["log_id"]
    key = public_from_b64(log["public_key"])
    assert notes.receipt_problem(receipt, log["log_id"], [key]) is None
    preview = client.post("/api/v1/explain", json=ticket(), headers=keys.write)
    assert preview.get_json()["receipt"] is None


def test_the_public_log_serves_leaves_and_consistency(
    app: Flask, client: FlaskClient, keys: Keys
) -> None:
    for i in range(5):
        client.post("/api/v1/decisions", json=ticket(subject=f"Login fails {i}"), headers=keys.both)
    app.extensions["explainer"].store.checkpoint()
    log = client.get("/api/v1/log").get_json()
    key = public_from_b64(log["public_key"])
    head = notes.open_head(log["checkpoint"], log["log_id"], [key])
    assert head is not None and head.tree_size == log["tree_size"] >= 9  # keys are records too
    leaves = client.get(f"/api/v1/log/leaves?start=0&end={head.tree_size}").get_json()
    hashes = [bytes.fromhex(h) for h in leaves["leaf_hashes"]]
    assert merkle.root(hashes) == head.root
    proof = client.get(f"/api/v1/log/consistency?first=3&second={head.tree_size}").get_json()
    path = [bytes.fromhex(p) for p in proof["proof"]]
    old = merkle.root(hashes[:3])
    assert merkle.verify_consistency(3, head.tree_size, old, head.root, path)
    for bad in ("start=-1&end=2", "start=a&end=2", "start=0&end=99999999999"):
        answer = client.get(f"/api/v1/log/leaves?{bad}")
        assert answer.status_code == 422
        assert answer.content_type == "application/problem+json"
    # Pages never fail on a well-formed range: none when end <= start, fewer past the end.
    assert client.get("/api/v1/log/leaves?start=5&end=2").get_json()["leaf_hashes"] == []
    everything = client.get("/api/v1/log/leaves?start=0&end=5000").get_json()["leaf_hashes"]
    assert everything == [h.hex() for h in hashes]
    assert client.get("/api/v1/log/consistency?first=2&second=99999").status_code == 404
    assert client.get("/api/v1/log/consistency?first=3&second=2").status_code == 404


def test_the_why_page_gives_receipts_that_verify_and_catch_an_edit(
    models_dir: Path, tmp_path: Path
) -> None:
    app = customer_app(models_dir, tmp_path)
    service = app.extensions["explainer"]
    client = app.test_client()
    decision_id, path = make(app, "Charged twice", "My card was charged twice for March.")
    page = client.get(path).get_data(as_text=True)
    assert "Download your receipt" in page
    client.post(f"{path}/review", data={"csrf_token": csrf_of(page), "comment": "please"})
    download = client.get(f"{path}/receipts.jsonl")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    lines = download.get_data(as_text=True).splitlines()
    assert len(lines) == 2  # the decision and the review request
    held = tmp_path / "customer" / "receipts.jsonl"
    held.parent.mkdir()
    held.write_text("\n".join(lines) + "\n")
    env = {
        "EXPLAINER_DATABASE_URL": f"sqlite:///{tmp_path / 'explainer.db'}",
        "EXPLAINER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    cli = CliRunner()
    ok = cli.invoke(main, ["audit", "verify", "--receipts", str(held)], env=env)
    assert ok.exit_code == 0 and "2 receipts" in ok.output, ok.output

    # An attacker edits the decision and recomputes its leaf (triggers dropped first).
    with service.store.engine.begin() as conn:
        drop_every_trigger(conn)
        conn.execute(
            text("UPDATE decisions SET intent = 'edited' WHERE id = :i"), {"i": decision_id}
        )
    with service.store.engine.begin() as conn:
        rehash_leaves(conn)
    assert service.store.verify_log().ok  # the database alone cannot tell
    bad = cli.invoke(main, ["audit", "verify", "--receipts", str(held)], env=env)
    assert bad.exit_code == 1
    assert f"decision {decision_id}" in bad.output and "edited or replaced" in bad.output
    service.close()


def test_witness_command_and_verify_against_it(models_dir: Path, tmp_path: Path) -> None:
    app = customer_app(models_dir, tmp_path)
    make(app, "Cannot log in")
    env = {
        "EXPLAINER_DATABASE_URL": f"sqlite:///{tmp_path / 'explainer.db'}",
        "EXPLAINER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    app.extensions["explainer"].store.checkpoint()
    cli, out = CliRunner(), tmp_path / "witness" / "heads.jsonl"
    first = cli.invoke(main, ["audit", "witness", "--out", str(out)], env=env)
    assert first.exit_code == 0 and "pinned log" in first.output, first.output
    make(app, "Refund please")
    app.extensions["explainer"].store.checkpoint()
    second = cli.invoke(main, ["audit", "witness", "--out", str(out)], env=env)
    assert second.exit_code == 0 and "+1 since" in second.output, second.output
    ok = cli.invoke(main, ["audit", "verify", "--witness", str(out)], env=env)
    assert ok.exit_code == 0 and "2 witnessed heads" in ok.output
    assert [json.loads(x)["tree_size"] for x in out.read_text().splitlines()] == [1, 2]
    app.extensions["explainer"].close()
