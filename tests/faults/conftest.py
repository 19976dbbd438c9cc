"""Fault-suite fixtures: a served app over SQLite or the suite's own PostgreSQL cluster."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import Cluster, Served, shared_dir
from served_app import migrated_with_key

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster started for this module; under CI it must start."""
    try:
        made = Cluster()
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        if IN_CI:
            pytest.fail(f"cannot start a PostgreSQL cluster: {exc}")
        pytest.skip(f"cannot start a PostgreSQL cluster: {exc}")
    yield made
    made.remove()


@pytest.fixture
def workdir(models_dir: Path) -> Iterator[Path]:
    """A folder any local user can write, with a copy of the session's models."""
    root = shared_dir("explainer-faults-")
    shutil.copytree(models_dir, root / "models")
    yield root
    log = root / "serve.log"
    if log.exists():  # shown by pytest for a failing test
        print(log.read_text("utf-8", "replace")[-4000:])
    shutil.rmtree(root, ignore_errors=True)


ServeFactory = Callable[..., tuple[Served, str]]


@pytest.fixture
def serve(workdir: Path) -> Iterator[ServeFactory]:
    """Start ``explainer serve`` over ``url``; returns it and a write+read API key."""
    started: list[Served] = []

    def start(
        url: str, obey_file_modes: bool = False, fault: Callable[[], None] | None = None
    ) -> tuple[Served, str]:
        env = {
            "EXPLAINER_DATABASE_URL": url,
            "EXPLAINER_MODELS_DIR": str(workdir / "models"),
            "EXPLAINER_INSTANCE_PATH": str(workdir / "instance"),
            "EXPLAINER_SECRET_KEY": "fault-suite",
            "EXPLAINER_LOCK_TIMEOUT_SECONDS": "1",
        }
        key = migrated_with_key(env, "faults")
        served = Served(env, obey_file_modes)
        if fault is not None:  # a fault present from the start: workers connect into it
            fault()
        served.start("/readyz" if fault is None else "/healthz")
        started.append(served)
        return served, key

    yield start
    for served in started:
        served.stop()


@pytest.fixture
def request_db(request: pytest.FixtureRequest, workdir: Path) -> str:
    """The database a parametrized test asked for: SQLite here, or the suite's cluster."""
    if request.getfixturevalue("database") == "postgresql":
        cluster: Cluster = request.getfixturevalue("cluster")
        return cluster.database()
    return f"sqlite:///{workdir / 'data' / 'explainer.db'}"
