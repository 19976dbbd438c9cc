"""Train on the public banking77 export and evaluate it, as a user would (slow)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from evaluation_data import shared_data

from explainer.cli.main import main
from explainer.model.registry import load_card


@pytest.mark.slow
def test_banking77_train_then_evaluate(tmp_path: Path) -> None:
    train, test = shared_data("banking77/train.csv"), shared_data("banking77/test.csv")
    print(f"using the shared banking77 data set (CC-BY-4.0) at {train.parent}")
    cols = ["--text-col", "text", "--intent-col", "category"]
    started = time.perf_counter()
    result = CliRunner().invoke(
        main, ["train", "--data", str(train), *cols, "--out", str(tmp_path)]
    )
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert {c["display"] for c in load_card(tmp_path, "intent")["classes"]} >= {"Card arrival"}
    result = CliRunner().invoke(
        main, ["evaluate", "--data", str(test), *cols, "--models", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["intent"]
    print(
        f"banking77: accuracy {report['accuracy']:.4f}, macro-F1 {report['macro_f1']:.4f} "
        f"on {report['n']:,} test queries; training took {seconds:.0f} s"
    )
    assert report["n"] == 3_080
    assert report["accuracy"] >= 0.89


@pytest.mark.slow
def test_banking77_calibration_and_open_set_abstention() -> None:
    """Calibrated (ECE at most 0.03 on the test file) and abstaining on unknown intents."""
    shared_data("banking77/train.csv")
    done = subprocess.run(
        [sys.executable, "-m", "bench.open_set", "--json"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    print(json.dumps(result, indent=2))
    o = result["open_set"]
    assert result["unknown_intents"] == 19 and o["unknown_rows"] == 760
    assert result["calibration"]["ece"] <= 0.03
    assert o["auroc"] >= 0.8
    assert o["abstained_known"] <= 0.08  # the 5 % target, with the test file's own noise
    assert o["abstained_unknown"] >= 4 * o["abstained_known"]
