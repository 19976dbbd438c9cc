"""The fairness report finds the language disparity of the shared support-tickets set.

Uses ../shared/data/support_tickets/tickets.csv (evaluation data, not the project's):
skips when absent, fails under CI. Runs ``bench/fairness_demo.py``: trains on the
tickets not held back, seeds 1,000 held-back ones through the decision path, and opens
the report in Chromium.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from evaluation_data import IN_CI, shared_data

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


def test_report_shows_the_german_tickets_served_worse(tmp_path: Path) -> None:
    data = shared_data("support_tickets/tickets.csv")
    print(f"evaluation data: {data}")
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is required under CI")
        pytest.skip(f"{CHROMIUM} is absent")
    shot = tmp_path / "fairness.png"
    args = ["--rows", "1000", "--screenshot", str(shot), "--data", str(data), "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.fairness_demo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(result)
    assert result["seeded"] == 1000 and result["reviewed"] > 250
    en, de = result["language"]["en"], result["language"]["de"]
    assert de["n"] >= 200 and en["n"] >= 450
    assert de["mean intent confidence"] < en["mean intent confidence"] - 0.01
    assert de["mean priority confidence"] < en["mean priority confidence"]
    assert shot.stat().st_size > 50_000 and shot.with_name("models.png").exists()
