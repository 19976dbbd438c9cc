"""The fault suite's real parts: its own PostgreSQL cluster, a served app, a client ledger.

Imported as ``harness`` by the tests beside it. Nothing here mocks the project: the
service runs as ``explainer serve`` (gunicorn, sync workers) in a subprocess, the
cluster is started with ``initdb`` and ``pg_ctl``, and the ledger talks HTTP.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from served_app import EXPLAINER, Served, free_port, request

__all__ = ["EXPLAINER", "Cluster", "Ledger", "Served", "free_port", "request", "shared_dir"]


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
