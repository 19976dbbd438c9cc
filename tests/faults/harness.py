"""The fault suite's real parts: its own PostgreSQL cluster, a served app, a client ledger.

Imported as ``harness`` by the tests beside it. Nothing here mocks the project: the
service runs as ``explainer serve`` (gunicorn, sync workers) in a subprocess, the
cluster is started with ``initdb`` and ``pg_ctl``, and the ledger talks HTTP.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXPLAINER = str(Path(sys.executable).with_name("explainer"))


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def shared_dir(prefix: str) -> Path:
    """A temporary folder other local users (postgres, nobody) can use."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o777)
    return path


class Cluster:
    """A PostgreSQL cluster of the suite's own, run as the ``postgres`` user."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found or shutil.which("runuser") is None:
            raise RuntimeError("PostgreSQL's pg_ctl or runuser is missing")
        self.bin = Path(found[-1]).parent
        self.root = shared_dir("explainer-pg-")
        self.data = self.root / "data"
        self.port = free_port()
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "--auth=trust",
                          "-U", "postgres", "--no-sync")  # fmt: skip
        self.start()

    def database(self) -> str:
        """The URL of a new, empty database on this cluster."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._as_postgres(str(self.bin / "createdb"), "-h", str(self.root), "-p", str(self.port),
                          name)  # fmt: skip
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def _as_postgres(self, *argv: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *argv], check=True,
                       capture_output=True, timeout=120)  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                          "-l", str(self.root / "log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                          "stop")  # fmt: skip

    def remove(self) -> None:
        pg_ctl = str(self.bin / "pg_ctl")
        stop = [pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"]
        subprocess.run(["runuser", "-u", "postgres", "--", *stop], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


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
            self.process.kill()


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
class Ledger:
    """Clients that keep a ledger: every ticket is retried with its own Idempotency-Key
    until acknowledged, and every answer's status is counted."""

    base: str
    key: str
    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: dict[str, str] = field(default_factory=dict)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, new_until: float, deadline: float) -> None:
        """Send new tickets until ``new_until``; retry each until acknowledged or ``deadline``."""
        while time.monotonic() < new_until:
            idem = uuid.uuid4().hex
            with self.lock:
                self.sent += 1
            body = {"subject": "Refund request", "body": "I was charged twice, refund me",
                    "customer": {"id": f"C-{idem[:8]}", "plan": "pro"}}  # fmt: skip
            headers = {"Authorization": f"Bearer {self.key}", "Idempotency-Key": idem}
            while time.monotonic() < deadline:
                status, answer = request("POST", self.base + "/api/v1/decisions", body, headers)
                with self.lock:
                    if status:
                        self.statuses[status] += 1
                    if status in (200, 201):
                        self.acknowledged[idem] = answer["id"]
                        break
                time.sleep(0.2 if status in (0, 503) else 0)
            time.sleep(0.02)

    def run(self, threads: int, seconds: float, deadline: float) -> list[threading.Thread]:
        """Start the clients (new tickets for ``seconds``); join the threads to wait."""
        now = time.monotonic()
        args = (now + seconds, now + deadline)
        started = [threading.Thread(target=self.send, args=args) for _ in range(threads)]
        for t in started:
            t.start()
        return started
