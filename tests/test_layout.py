"""The package's shape holds: one service door, small modules, a light request path."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "explainer"
SURFACES = [PACKAGE / "web", PACKAGE / "cli"]
# A view or command that reaches past the service: its store, engine or a connection.
_PAST_THE_DOOR = re.compile(r"\.store\b|\bengine\b|\.connect\(|\bsqlalchemy\b")


def _sources(*roots: Path) -> list[Path]:
    return sorted(p for root in roots for p in root.rglob("*.py"))


@pytest.mark.parametrize("path", _sources(*SURFACES), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_surfaces_only_call_the_service(path: Path) -> None:
    found = [
        f"{i}: {line.strip()}"
        for i, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if _PAST_THE_DOOR.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == []


def test_modules_stay_small_and_few_at_the_top() -> None:
    sizes = {p: len(p.read_text("utf-8").splitlines()) for p in _sources(PACKAGE)}
    assert {str(p.relative_to(PACKAGE)): n for p, n in sizes.items() if n > 300} == {}
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 8, top


def test_the_request_path_loads_no_training_or_report_libraries() -> None:
    probe = (
        "import sys, explainer.service, explainer.web.app; "
        "print(sorted(m for m in ('pandas', 'sklearn.metrics', 'fairlearn', 'shap') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_data_file_of_the_package_is_installed() -> None:
    """A data file the package reads must match a package-data pattern, or `pip install .`
    leaves it behind (the wheel has only the Python modules otherwise)."""
    import fnmatch
    import tomllib

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["explainer"]
    data = [
        p.relative_to(PACKAGE)
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    # fnmatch's "*" crosses "/", which is what setuptools' "**" means here.
    missed = [str(p) for p in data if not any(fnmatch.fnmatch(str(p), g) for g in patterns)]
    assert missed == []
