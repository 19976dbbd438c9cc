"""Start, probe and stop one gunicorn server on loopback; read its workers' memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Memory", "Server", "cpu_seconds", "free_port", "imports_shap", "memory"]

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on loopback nobody listens on now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Memory:
    """One process's resident memory in MiB: RSS (private + shared) and PSS."""

    pid: int
    rss_mib: float
    pss_mib: float


def _kib(path: Path, field: str) -> float:
    for line in path.read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return float("nan")


def memory(pid: int) -> Memory:
    """RSS from /proc/<pid>/status and PSS from /proc/<pid>/smaps_rollup."""
    proc = Path(f"/proc/{pid}")
    rss = _kib(proc / "status", "VmRSS") / 1024
    pss = _kib(proc / "smaps_rollup", "Pss") / 1024
    return Memory(pid, rss, pss)


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used, from /proc/<pid>/stat."""
    total = 0
    for pid in pids:
        # Fields after the command name (which may hold spaces): utime and stime are 12-13.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def imports_shap(pid: int) -> list[str]:
    """Shared objects of shap, numba or llvmlite mapped into the process (none expected)."""
    found = set()
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        path = line.split()[-1] if len(line.split()) >= 6 else ""
        if any(f"/{lib}/" in path for lib in ("shap", "numba", "llvmlite")):
            found.add(path)
    return sorted(found)


class Server:
    """A gunicorn master started as a subprocess; ``workers`` are its children."""

    def __init__(
        self, argv: list[str], env: Mapping[str, str], port: int, log: Path, cwd: Path
    ) -> None:
        self.port = port
        self.log_path = log
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            argv, env={**os.environ, **env}, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def wait_ready(self, workers: int, timeout: float = 90.0) -> None:
        """Until the port answers HTTP and ``workers`` workers have forked."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: see {self.log_path}\n{self._tail()}")
            if len(self.workers()) >= workers and self._answers():
                return
            time.sleep(0.1)
        raise RuntimeError(f"server not ready after {timeout:.0f} s: {self._tail()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # any HTTP answer means the server is up
        except OSError:
            return False

    def workers(self) -> list[int]:
        """Pids of the master's child processes."""
        pid = self.proc.pid
        try:
            raw = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in raw.split()]

    def stop(self) -> None:
        """SIGTERM the master (gunicorn stops its workers), then wait."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def _tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def python() -> str:
    """The interpreter running the bench (the venv's)."""
    return sys.executable
