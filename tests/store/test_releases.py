"""Retrain from reviews, shadow the whole log on a real Dask LocalCluster, promote through
the gates, roll back: on SQLite and PostgreSQL, the log verifying after each change."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from shadow_helpers import plant_bias, seeded_service
from sqlalchemy import select

from explainer.cli.main import main
from explainer.errors import ConflictError
from explainer.service import Service
from explainer.service.releases import PromotionRefused
from explainer.store.tables import log_leaves

pytestmark = pytest.mark.slow


def _leaf_kinds(service: Service) -> list[str]:
    with service.store.engine.connect() as conn:
        return list(conn.execute(select(log_leaves.c.kind).order_by(log_leaves.c.idx)).scalars())


def test_retrain_shadow_promote_rollback(db_url: str, models_dir: Path, tmp_path: Path) -> None:
    service, _ = seeded_service(db_url, models_dir, tmp_path)
    try:
        before = service.releases.current_versions()
        card = service.releases.retrain(tmp_path / "cand", None, None, lambda _m: None)
        reviewed = card["reviewed"]
        assert reviewed["corrections"] + reviewed["confirmations"] == 200
        assert reviewed["rows"] + reviewed["held_out_for_evaluation"] == 200
        assert 30 <= reviewed["held_out_for_evaluation"] <= 90  # 30 % of ids, by hash
        assert card["rows"] == card["base"]["rows"] + reviewed["rows"]
        assert json.loads((tmp_path / "cand" / "data_card.json").read_text()) == card

        seen: list[int] = []
        report, raw = service.releases.shadow(tmp_path / "cand", workers=2, progress=seen.append)
        assert sum(seen) == 300  # the progress bar reaches the whole log
        assert report["decisions"] == {"scored": 299, "erased_skipped": 1}
        for name in ("intent", "priority"):
            m = report["models"][name]
            assert 0.0 <= m["agreement"]["overall"] <= 1.0
            assert m["accuracy"]["reviewed"] == reviewed["held_out_for_evaluation"]
            lo, hi = m["accuracy"]["candidate"]["ci95"]
            assert lo <= m["accuracy"]["candidate"]["accuracy"] <= hi
            assert m["calibration"]["candidate"]["ece"] is not None
            assert set(m["abstention"]) == {"current", "candidate"}
            assert m["explanations"]["global_importance"]["candidate"]
        assert [a["attribute"] for a in report["fairness"]["attributes"]] == [
            "language",
            "region",
            "plan",
        ]
        # The same report in this process, without Dask: partitions merge exactly.
        serial, _ = service.releases.shadow(tmp_path / "cand", serial=True, page=37)
        for name in ("intent", "priority"):
            assert serial["models"][name]["agreement"] == report["models"][name]["agreement"]
            assert serial["models"][name]["accuracy"] == report["models"][name]["accuracy"]

        (tmp_path / "report.json").write_bytes(raw)
        # Tens of held-out reviews move accuracy and ECE by several points either way: the
        # test is about the mechanism, so only a clear loss would refuse.
        gates = service.releases.gates(max_accuracy_loss=0.1, max_ece_increase=0.2)
        made = service.releases.promote(tmp_path / "cand", tmp_path / "report.json", "ann", gates)
        after = service.releases.current_versions()
        assert after == {n: card["candidate"][n] for n in after}
        assert made["report_sha256"] == hashlib.sha256(raw).hexdigest()
        assert made["from_versions"] == before and made["to_versions"] == after
        assert service.admin.verify_log().ok

        undone = service.releases.rollback("bob")
        assert service.releases.current_versions() == before
        assert undone["from_versions"] == after and undone["to_versions"] == before
        with pytest.raises(ConflictError, match="no promotion to roll back"):
            service.releases.rollback("bob")

        history = service.releases.history.history()
        assert [(c["kind"], c["actor"]) for c in history] == [
            ("model_rolled_back", "bob"),
            ("model_promoted", "ann"),
        ]
        assert _leaf_kinds(service)[-2:] == ["model_promoted", "model_rolled_back"]
        assert service.admin.verify_log().ok
    finally:
        service.shutdown()


def test_planted_fairness_regression_is_refused(
    db_url: str, models_dir: Path, tmp_path: Path
) -> None:
    service, _ = seeded_service(db_url, models_dir, tmp_path)
    try:
        before = service.releases.current_versions()
        service.releases.retrain(tmp_path / "cand", None, None, lambda _m: None)
        plant_bias(tmp_path / "cand")
        report, raw = service.releases.shadow(tmp_path / "cand", workers=2)
        (tmp_path / "report.json").write_bytes(raw)
        flagged = {(f["attribute"], f["group"]) for f in report["fairness"]["new_flags"]}
        assert ("plan", "free") in flagged

        # Only fairness may refuse here.
        gates = service.releases.gates(max_accuracy_loss=1.0, max_ece_increase=1.0)
        with pytest.raises(PromotionRefused) as refused:
            service.releases.promote(tmp_path / "cand", tmp_path / "report.json", "ann", gates)
        failed = refused.value.extra["failed"]
        assert failed and all(f.startswith("fairness gate:") for f in failed)
        assert any("plan = free" in f for f in failed)
        assert service.releases.current_versions() == before
        assert service.releases.history.history() == []
        assert "model_promoted" not in _leaf_kinds(service)
        assert service.admin.verify_log().ok
    finally:
        service.shutdown()


def test_the_commands_as_an_operator_runs_them(
    db_url: str, models_dir: Path, tmp_path: Path, clean_env: None
) -> None:
    service, _ = seeded_service(db_url, models_dir, tmp_path, n=120, reviewed=90)
    service.shutdown()
    env = {
        "EXPLAINER_DATABASE_URL": db_url,
        "EXPLAINER_MODELS_DIR": str(tmp_path / "models"),
        "EXPLAINER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    runner = CliRunner()
    cand, report = tmp_path / "cand", tmp_path / "report.json"
    made = runner.invoke(main, ["retrain", "--out", str(cand), "--since", "2020-01-01"], env=env)
    assert made.exit_code == 0, made.output
    reviewed = json.loads(made.stdout)["reviewed"]
    assert reviewed["confirmations"] + reviewed["corrections"] == 90
    again = runner.invoke(main, ["retrain", "--out", str(cand)], env=env)
    assert again.exit_code == 2 and "is not empty" in again.output

    shadow = ["shadow", "--candidate", str(cand), "--out", str(report), "--serial"]
    ran = runner.invoke(main, shadow, env=env)
    assert ran.exit_code == 0, ran.output
    assert "scored 119 decisions (1 erased, skipped)" in ran.stderr
    assert "intent: agreement" in ran.stdout and "priority: agreement" in ran.stdout
    promote = ["models", "promote", "--candidate", str(cand), "--report", str(report)]
    refused = runner.invoke(main, [*promote, "--min-reviewed", "1000"], env=env)
    assert refused.exit_code == 2
    assert "refused: accuracy gate: intent has" in refused.stderr
    assert "fewer than the 1000 needed" in refused.stderr
    loose = ["--min-reviewed", "1", "--max-accuracy-loss", "1", "--max-ece-increase", "1"]
    done = runner.invoke(main, [*promote, *loose, "--by", "ops@example.test"], env=env)
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("promoted: intent ")
    history = runner.invoke(main, ["models", "history", "--json"], env=env)
    [change] = json.loads(history.stdout)
    assert change["kind"] == "model_promoted" and change["actor"] == "ops@example.test"
    assert runner.invoke(main, ["models", "rollback"], env=env).exit_code == 0
    assert runner.invoke(main, ["models", "rollback"], env=env).exit_code == 2
    verified = runner.invoke(main, ["audit", "verify"], env=env)
    assert verified.exit_code == 0 and "log verified" in verified.stdout
