"""schemathesis with every check against a live service: the document states each rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from served_app import Live

pytestmark = pytest.mark.slow

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


def test_schemathesis_all_checks_pass_against_the_served_api(live: Live, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            SCHEMATHESIS, "run", f"{live.base}/api/openapi.json",
            "--checks", "all",
            "--header", f"Authorization: Bearer {live.api_key}",
            "--max-examples", "40",
            "--seed", "20261130",
            "--no-color",
        ],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )  # fmt: skip
    report = done.stdout[-6000:]
    assert done.returncode == 0, report
    assert " failed" not in report.split("Test cases:")[-1], report
