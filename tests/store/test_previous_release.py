"""A store and models written by the previous release keep working after the upgrade.

The previous release's code is taken from git history (``git archive``), run in a
subprocess against this test's database (SQLite and PostgreSQL), and then today's code
upgrades the schema and the model versions, reads every old decision through the typed
decision, serves it, adds to the log, and verifies the whole log.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from explainer.cli import main
from explainer.oversight.query import SearchQuery
from explainer.schemas import TicketIn
from explainer.web.app import build_app

PREVIOUS_RELEASE = "65b537c"  # the last release before the typed decision and serving form
ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def previous_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The previous release's package, unpacked from git history."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", PREVIOUS_RELEASE, "explainer"],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        reason = f"git history lacks {PREVIOUS_RELEASE}: {archive.stderr.decode()[:200]}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("previous-release")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(out, filter="data")
    return out


def _run_previous(code: Path, db_url: str, work: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    script = Path(__file__).with_name("previous_release_store.py")
    done = subprocess.run(
        [sys.executable, str(script), db_url, str(work / "instance"), str(work / "models")],
        cwd=work,  # not the checkout: its own package must not shadow the old one
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.slow
def test_a_previous_release_store_upgrades_and_keeps_verifying(
    previous_code: Path, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _run_previous(previous_code, db_url, tmp_path)
    for key, value in {
        "DATABASE_URL": db_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "MODELS_DIR": str(tmp_path / "models"),
    }.items():
        monkeypatch.setenv(f"EXPLAINER_{key}", value)
    cli = CliRunner()
    for command in (["db", "upgrade"], ["models", "upgrade"], ["audit", "verify"]):
        done = cli.invoke(main, command)
        assert done.exit_code == 0, (command, done.output)

    app = build_app({"SECRET_KEY": "upgrade-test"})
    service = app.extensions["explainer"]
    try:
        # The upgrade signed a head over every record the old release logged, and its
        # HMAC checkpoints still verify with the old key beside them.
        old_size = service.console.verify_log().tree_size
        head = service.store.log.latest()
        assert head is not None and head["tree_size"] == old_size > len(made["ids"])
        for decision_id in made["ids"]:
            decision = service.get(decision_id)  # read back through the typed decision
            assert decision.erased is (decision_id in made["erased"])
            if not decision.erased:
                assert decision.customer.reasons == made["reasons"][decision_id]
        # Revision 0006 filled the ticket-id look-up for what the old release stored.
        ticketed = {t: d for d, t in made["tickets"].items() if t}
        assert ticketed
        for ticket_id, decision_id in ticketed.items():
            rows, _ = service.console.search(SearchQuery(ticket_id=ticket_id))
            assert [r["id"] for r in rows] == [decision_id]
        reviews = service.store.reviews_for(made["reviewed"])
        assert [r["status"] for r in reviews] == ["resolved"]
        old = made["ids"][5]
        keys = service.admin.create_api_key("upgrade", ["decisions:read"])[0]
        answer = app.test_client().get(
            f"/api/v1/decisions/{old}", headers={"Authorization": f"Bearer {keys}"}
        )
        assert answer.status_code == 200 and answer.get_json()["id"] == old
        assert answer.get_json()["receipt"]["index"] < old_size
        held = tmp_path / "outside" / "receipts.jsonl"
        held.parent.mkdir()
        held.write_text(json.dumps(answer.get_json()) + "\n")
        done = cli.invoke(main, ["audit", "verify", "--receipts", str(held)])
        assert done.exit_code == 0 and "1 receipts" in done.output, done.output
        service.create(TicketIn(subject="Refund please"), idempotency_key=None, api_key_id=None)
        assert service.store.checkpoint()["tree_size"] > len(made["ids"])
        assert service.console.verify_log().ok
    finally:
        service.close()
