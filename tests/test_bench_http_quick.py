"""The quick HTTP bench runs end to end: every server answers, nothing fails.

No timing is asserted: CI machines are shared and their figures mean nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_quick_http_bench_completes(tmp_path: Path, models_dir: Path) -> None:
    out = tmp_path / "benchmarks.md"
    argv = [sys.executable, "-m", "bench.http", "--quick", "--out", str(out)]
    argv += ["--models", str(models_dir)]  # a fresh clone has no trained models/
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for name in ("floor: bare Flask JSON", "predict_proba + INSERT", "POST /api/v1/decisions"):
        assert name in done.stdout
    for name in ("POST /api/v1/explain", "GET /why/{token}", "per CPU-second per core"):
        assert name in done.stdout
    assert "errors: 0;" in done.stdout
    section = out.read_text("utf-8")
    assert "# Benchmarks over HTTP" in section
    assert "| endpoint | db | clients |" in section
    # Every cell says how much of the workers' CPU a request took.
    head = next(line for line in section.splitlines() if line.startswith("| endpoint |"))
    column = [c.strip() for c in head.split("|")].index("worker CPU ms")
    cells = [line for line in section.splitlines() if line.startswith("| POST /api/v1/")]
    assert cells and all(float(line.split("|")[column]) > 0 for line in cells)
    assert "(not measured)" not in section
    # The decision route's cost, stage by stage, against the floor and /explain.
    assert "| stage | sqlite ms | x floor | x /explain |" in section
    for stage in ("parse", "authenticate", "decide", "serialise", "write", "commit", "respond"):
        assert f"| {stage} | " in section
