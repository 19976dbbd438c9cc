"""``explainer batch``: a CSV of tickets through the decision path, safe to run again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from explainer.cli.main import main

CSV = (
    "ticket_id,subject,body,channel,customer_id,plan,account_age_days,open_tickets\n"
    'HD-1,Refund please,"I was charged twice,\nplease refund",email,C-1,pro,400,1\n'
    "HD-2,Cannot log in,My password stopped working,chat,C-2,free,3,0\n"
    "HD-3,App crashes,The app crashes on upload,web,C-3,business,,\n"
    "HD-4,Plan,Wrong plan,email,C-4,platinum,1,1\n"
    "HD-5,Age,Odd age,email,C-5,free,²,0\n"
    "HD-6,Where is my parcel,The delivery is late,phone,C-6,enterprise,90,2\n"
)


@pytest.fixture
def env(db_url: str, tmp_path: Path, models_dir: Path, clean_env: None) -> dict[str, str]:
    return {
        "EXPLAINER_DATABASE_URL": db_url,
        "EXPLAINER_INSTANCE_PATH": str(tmp_path / "inst"),
        "EXPLAINER_MODELS_DIR": str(models_dir),
    }


def test_batch_stores_valid_rows_names_invalid_ones_and_replays(
    env: dict[str, str], tmp_path: Path
) -> None:
    data, out = tmp_path / "tickets.csv", tmp_path / "results.jsonl"
    data.write_text(CSV, encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["batch", "--data", str(data), "--out", str(out)], env=env)
    assert first.exit_code == 1, first.output  # some rows were invalid
    assert "stored 4 new decisions, replayed 0 stored before, 2 invalid rows" in first.stdout
    assert (
        "row 4: customer.plan" in first.stderr
        and "row 5: customer.account_age_days" in first.stderr
    )
    assert "deciding 6 tickets" in first.stderr  # the progress bar's label
    results = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["row"] for r in results] == [1, 2, 3, 4, 5, 6]
    assert [r["status"] for r in results] == [201, 201, 201, 422, 422, 201]
    assert all(r["why"].startswith("http") for r in results if r["status"] == 201)
    assert "platinum" not in out.read_text("utf-8")  # problems never echo the value

    again = runner.invoke(main, ["batch", "--data", str(data)], env=env)
    assert "stored 0 new decisions, replayed 4 stored before" in again.stdout
    exported = runner.invoke(main, ["export", "--customer", "C-1"], env=env)
    decisions = json.loads(exported.stdout)["decisions"]
    assert len(decisions) == 1 and "please refund" in decisions[0]["ticket"]["body"]


def test_batch_refuses_a_file_it_cannot_read(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    odd = tmp_path / "odd.csv"
    odd.write_text("subject,mood\nhello,grumpy\n", encoding="utf-8")
    refused = runner.invoke(main, ["batch", "--data", str(odd)], env=env)
    assert refused.exit_code == 2 and "unknown column(s) mood" in refused.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes("subject\nMünchen\n".encode("latin-1"))
    assert "is not UTF-8" in runner.invoke(main, ["batch", "--data", str(latin)], env=env).stderr
