"""``explainer serve`` in a subprocess, and one plain HTTP call: for tests of the served app.

Imported as ``served_app`` by the fault suite and the client's live tests; nothing here
mocks the project (the service is gunicorn with sync workers, as in production).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXPLAINER = str(Path(sys.executable).with_name("explainer"))


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def migrated_with_key(env: dict[str, str], name: str) -> str:
    """Migrate the database ``env`` names and make a write+read API key; return the key."""
    run = {**os.environ, **env}
    subprocess.run([EXPLAINER, "db", "upgrade"], env=run, check=True, capture_output=True)
    made = subprocess.run(
        [EXPLAINER, "keys", "create", "--name", name, "--scope", "decisions:write",
         "--scope", "decisions:read"],
        env=run, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return made.stdout.strip().splitlines()[-1]


# Root ignores file modes; without these capabilities it obeys them (a read-only file).
OBEY_FILE_MODES = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


@dataclass
class Served:
    """``explainer serve`` in a subprocess (optionally obeying file modes, even as root)."""

    env: dict[str, str]
    obey_file_modes: bool = False
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, probe: str = "/readyz") -> None:
        """Start and wait until ``probe`` answers 200 (``/healthz`` if the store is faulty)."""
        argv = [EXPLAINER, "serve", "--port", str(self.port), "--workers", "2"]
        if self.obey_file_modes:
            argv = [*OBEY_FILE_MODES, *argv]
        # Its log goes to a file (read on failure): an unread pipe would stall the server.
        log_path = Path(self.env["EXPLAINER_INSTANCE_PATH"]).parent / "serve.log"
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                argv, env={**os.environ, **self.env}, stdout=subprocess.DEVNULL, stderr=log
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if request("GET", self.base + probe)[0] == 200:
                return
            time.sleep(0.3)
        raise RuntimeError("the service did not become ready")

    def workers(self) -> list[int]:
        """The gunicorn worker pids (children of the master)."""
        out = subprocess.run(["pgrep", "-P", str(self.master())], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def master(self) -> int:
        """The gunicorn master's pid (the same one for as long as the service lives)."""
        assert self.process is not None  # setpriv execs the command: the same pid
        return self.process.pid

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            # Reaped too: a killed but unwaited Popen warns when it is collected, and
            # pytest pins that warning on whichever later test is running.
            self.process.kill()
            self.process.wait(timeout=20)


def request(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """One HTTP call: ``(status, parsed JSON or None)``; status 0 on a transport error."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as answer:
            return answer.status, _json(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, _json(err.read())
    except OSError:
        return 0, None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


@dataclass
class Live:
    """A served app, its database URL and a write+read API key."""

    served: Served
    database_url: str
    api_key: str

    @property
    def base(self) -> str:
        return self.served.base
