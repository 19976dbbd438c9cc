"""An operator's keys and links: expiry, last use, ``keys list``, ``links reissue``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from explainer.cli.main import main
from explainer.errors import ValidationFailed
from explainer.schemas import TicketIn
from explainer.settings import Settings
from explainer.store import Store


def test_an_expired_key_is_refused(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=2)
    plaintext, key_id = store.api_keys.create("temp", ["decisions:read"], soon)
    assert store.api_keys.authenticate(plaintext) is not None
    with pytest.raises(ValidationFailed, match="future"):
        store.api_keys.create("late", ["decisions:read"], datetime.now(UTC) - timedelta(days=1))
    listed = {k["id"]: k for k in store.api_keys.listing()}
    assert listed[key_id]["expires_at"] == soon
    later = soon + timedelta(seconds=1)

    class _Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:
            return later

    monkeypatch.setattr("explainer.store.keys.datetime", _Clock)
    assert store.api_keys.authenticate(plaintext) is None
    assert store.verify_log().ok  # the expiry is a record of the log


def test_last_use_is_written_off_the_request_path(store: Store) -> None:
    plaintext, _ = store.api_keys.create("ci", ["decisions:read"])
    store.api_keys.create("idle", ["decisions:read"])

    def last_used() -> dict[str, Any]:
        return {k["name"]: k["last_used_at"] for k in store.api_keys.listing()}

    assert last_used() == {"ci": None, "idle": None}
    assert store.api_keys.authenticate(plaintext) is not None
    assert last_used()["ci"] is None  # authenticating wrote nothing
    store.api_keys.flush()  # what the timer does within USE_EVERY seconds
    first = last_used()["ci"]
    assert first is not None and abs(first - datetime.now(UTC)) < timedelta(minutes=1)
    store.api_keys.authenticate(plaintext)
    store.shutdown()  # a clean stop writes what is pending
    assert last_used()["ci"] > first
    assert last_used()["idle"] is None
    assert store.verify_log().tree_size == 2  # a use is working state, not a log record


@pytest.fixture
def env(db_url: str, tmp_path: Path, clean_env: None) -> dict[str, str]:
    return {"EXPLAINER_DATABASE_URL": db_url, "EXPLAINER_INSTANCE_PATH": str(tmp_path / "inst")}


def _store(env: dict[str, str]) -> Store:
    return Store.from_settings(
        Settings.load(
            {
                "DATABASE_URL": env["EXPLAINER_DATABASE_URL"],
                "INSTANCE_PATH": env["EXPLAINER_INSTANCE_PATH"],
            }
        )
    )


def test_keys_list_shows_every_key_and_never_a_secret(env: dict[str, str]) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["keys", "list"], env=env).stderr.startswith("no API keys yet")
    made = []
    for name, extra in (("helpdesk", []), ("batch import", ["--expires-in", "90d"])):
        args = ["keys", "create", "--name", name, "--scope", "decisions:write", *extra]
        out = runner.invoke(main, args, env=env)
        assert out.exit_code == 0, out.output
        made.append(out.stdout.strip().splitlines()[-1])
    assert "expires" in out.stdout
    bad = runner.invoke(
        main, ["keys", "create", "--name", "x", "--scope", "admin", "--expires-in", "soon"], env=env
    )
    assert bad.exit_code == 2 and "not a duration" in bad.output
    store = _store(env)
    try:
        assert store.api_keys.authenticate(made[0]) is not None
        revoked = made[1].split("_")[1]
        assert runner.invoke(main, ["keys", "revoke", revoked], env=env).exit_code == 0
    finally:
        store.dispose()
    listed = runner.invoke(main, ["keys", "list"], env=env)
    assert listed.exit_code == 0
    header, *rows = listed.stdout.strip().splitlines()
    assert header.split() == ["id", "name", "scopes", "created", "expires", "last", "used", "state"]
    assert len(rows) == 2
    helpdesk = next(r for r in rows if "helpdesk" in r)
    importer = next(r for r in rows if "batch import" in r)
    assert helpdesk.endswith("active") and "never" in helpdesk  # never expires
    assert importer.endswith("revoked")
    assert (datetime.now(UTC) + timedelta(days=90)).strftime("%Y-%m-%d") in importer
    for secret in made:
        assert secret.split("_", 2)[2] not in listed.stdout
    as_json = runner.invoke(main, ["keys", "list", "--json"], env=env)
    assert '"last_used_at"' in as_json.stdout and '"scopes"' in as_json.stdout


def test_links_reissue_prints_a_new_link(env: dict[str, str], decider: Any) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    store = _store(env)
    try:
        ticket = TicketIn.model_validate({"body": "refund me", "customer": {"id": "C-R"}})
        decision, _ = store.save_decision(decider.decide(ticket))
    finally:
        store.dispose()
    out = runner.invoke(main, ["links", "reissue", str(decision.id)], env=env)
    assert out.exit_code == 0, out.output
    assert out.stdout.strip().startswith("http") and "/why/" in out.stdout
    assert "earlier links no longer open" in out.stderr
    again = runner.invoke(main, ["links", "reissue", str(decision.id)], env=env)
    assert again.stdout != out.stdout
    missing = runner.invoke(main, ["links", "reissue", "dec_00000000000000000000000000"], env=env)
    assert missing.exit_code != 0 and "no decision" in missing.output
