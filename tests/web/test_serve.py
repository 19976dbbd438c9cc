"""`explainer serve` for real: gunicorn with two sync workers on a free port."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BIN = Path(sys.executable).parent
SCOPES = ["--scope", "decisions:write", "--scope", "decisions:read"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _request(url: str, data: Any = None, key: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    body = None if data is None else json.dumps(data).encode()
    req = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def env(models_dir: Path, tmp_path: Path) -> dict[str, str]:
    """EXPLAINER_* settings for a throwaway SQLite service (no secret key: it is generated)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EXPLAINER_")}
    return {
        **clean,
        "EXPLAINER_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'explainer.db'}",
        "EXPLAINER_MODELS_DIR": str(models_dir),
        "EXPLAINER_INSTANCE_PATH": str(tmp_path / "var"),
    }


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A running `explainer serve --workers 2`: its base URL and the master's pid."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "explainer"), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc, tmp_path / "serve.log")
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"explainer serve exited: {log.read_text()}")
        try:
            if _request(base + "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"explainer serve never became ready: {log.read_text()}")


@pytest.mark.slow
def test_serve_posts_and_reads_back(
    server: tuple[str, int], env: dict[str, str], tmp_path: Path
) -> None:
    base, master = server
    created = subprocess.run(
        [str(BIN / "explainer"), "keys", "create", "--name", "t", *SCOPES],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    key = created.stdout.strip().splitlines()[-1]
    ticket = {"subject": "Can't log in since this morning", "body": "My password is wrong."}
    status, decision = _request(base + "/api/v1/decisions", ticket, key)
    assert status == 201
    status, again = _request(base + f"/api/v1/decisions/{decision['id']}", key=key)
    assert status == 200
    assert {**again, "links": None} == {**decision, "links": None}
    assert _request(base + "/api/v1/models")[0] == 401
    secret = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    workers = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True
    ).stdout.split()
    assert len(workers) == 2
