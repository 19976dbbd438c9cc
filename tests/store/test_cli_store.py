"""The store's command line: fixed forms scripts rely on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from explainer.cli.main import main
from explainer.schemas import TicketIn
from explainer.settings import Settings
from explainer.store import Store


@pytest.fixture
def env(db_url: str, tmp_path: Path, clean_env: None) -> dict[str, str]:
    return {"EXPLAINER_DATABASE_URL": db_url, "EXPLAINER_INSTANCE_PATH": str(tmp_path / "inst")}


def test_cli_round(env: dict[str, str], decider: Any) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    made = runner.invoke(
        main, ["keys", "create", "--name", "ci", "--scope", "decisions:write"], env=env
    )
    assert made.exit_code == 0, made.output
    key = made.stdout.strip().splitlines()[-1]
    store = Store.from_settings(
        Settings.load(
            {
                "DATABASE_URL": env["EXPLAINER_DATABASE_URL"],
                "INSTANCE_PATH": env["EXPLAINER_INSTANCE_PATH"],
            }
        )
    )
    try:
        api_key = store.api_keys.authenticate(key)
        assert api_key is not None and api_key.scopes == {"decisions:write"}
        ticket = TicketIn.model_validate({"body": "refund me", "customer": {"id": "C-CLI"}})
        decision, _ = store.save_decision(decider.decide(ticket))
        assert runner.invoke(main, ["links", "revoke", str(decision.id)], env=env).exit_code == 0
        assert store.link_revoked(str(decision.id))
        exported = runner.invoke(main, ["export", "--customer", "C-CLI"], env=env)
        assert json.loads(exported.stdout)["decisions"][0]["id"] == str(decision.id)
        assert runner.invoke(main, ["erase", "--customer", "C-CLI"], env=env).exit_code == 0
        assert runner.invoke(main, ["purge"], env=env).exit_code == 0
        assert runner.invoke(main, ["keys", "revoke", api_key.id], env=env).exit_code == 0
        assert runner.invoke(main, ["keys", "revoke", api_key.id], env=env).exit_code == 1
        ok = runner.invoke(main, ["audit", "verify"], env=env)
        assert ok.exit_code == 0 and "log verified" in ok.stdout
        with store.engine.begin() as conn:
            if store.engine.dialect.name == "postgresql":
                conn.exec_driver_sql("DROP FUNCTION explainer_append_only() CASCADE")
            else:
                conn.exec_driver_sql("DROP TRIGGER decisions_no_update")
            conn.exec_driver_sql("UPDATE decisions SET intent = 'forged'")
        bad = runner.invoke(main, ["audit", "verify"], env=env)
        assert bad.exit_code == 1 and f"decision {decision.id}" in bad.stderr
    finally:
        store.dispose()
