"""Bounded load on loopback: wrk (Debian's) when installed, else a threaded client.

Each cell runs for a fixed duration with a fixed number of concurrent clients and
cycles through a file of request bodies (POST) or paths (GET), one per line.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

__all__ = ["Cell", "Target", "fixed_count", "generator", "run_cell"]

_LUA = r"""
local lines, method, auth = {}, "GET", ""
local i, counter = 0, 0
setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
end
init = function(args)
  method, auth = args[1], args[3] or ""
  for line in io.lines(args[2]) do lines[#lines + 1] = line end
  i = ((id or 1) * 7919) % #lines
end
request = function()
  i = i % #lines + 1
  local headers = {}
  if auth ~= "" then headers["Authorization"] = "Bearer " .. auth end
  if method == "POST" then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", wrk.path, headers, lines[i])
  end
  return wrk.format("GET", lines[i], headers, nil)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"errors":%d,"status":%d,' ..
    '"p50_us":%.1f,"p99_us":%.1f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    e.status, latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Target:
    """What one cell asks for: ``method`` on ``url``, bodies or paths from ``lines``."""

    url: str
    method: str
    lines: Path
    api_key: str = ""


@dataclass(frozen=True)
class Cell:
    """One measured cell: throughput, latency percentiles and failed requests."""

    clients: int
    seconds: float
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    cpu_ms: float | None = None  # the server's workers' CPU per request, when measured
    spread: tuple[float, float] | None = None  # lowest and highest req/s over the rounds

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def generator() -> str:
    """``wrk`` when it is on PATH, else ``python`` (the threaded client)."""
    return "wrk" if shutil.which("wrk") else "python"


def run_cell(target: Target, clients: int, seconds: float, work: Path) -> Cell:
    """Load ``target`` with ``clients`` concurrent connections for ``seconds``."""
    if generator() == "wrk":
        return _wrk(target, clients, seconds, work)
    return _threads(target, clients, seconds)


def _wrk(target: Target, clients: int, seconds: float, work: Path) -> Cell:
    script = work / "cycle.lua"
    script.write_text(_LUA)
    argv = ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{seconds:g}s"]
    argv += ["--timeout", "10s", "-s", str(script), target.url, "--"]
    argv += [target.method, str(target.lines), target.api_key]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=seconds + 60)
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    return Cell(
        clients,
        raw["duration_us"] / 1e6,
        raw["requests"],
        raw["errors"],
        raw["p50_us"] / 1e3,
        raw["p99_us"] / 1e3,
    )


def _one(target: Target, line: str) -> bool:
    parts = urlsplit(target.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    headers = {"Authorization": f"Bearer {target.api_key}"} if target.api_key else {}
    try:
        if target.method == "POST":
            headers["Content-Type"] = "application/json"
            conn.request("POST", parts.path or "/", body=line.encode(), headers=headers)
        else:
            conn.request("GET", line, headers=headers)
        response = conn.getresponse()
        response.read()
        return 200 <= response.status < 400
    except OSError:
        return False
    finally:
        conn.close()


def _threads(target: Target, clients: int, seconds: float) -> Cell:
    lines = target.lines.read_text().splitlines()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(offset: int) -> None:
        i = offset * 7919
        while time.perf_counter() < stop:
            i += 1
            start = time.perf_counter()
            ok = _one(target, lines[i % len(lines)])
            with lock:
                latencies.append(time.perf_counter() - start)
                errors[0] += not ok

    begun = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begun
    ms = np.asarray(latencies or [0.0]) * 1e3
    p50, p99 = (float(np.percentile(ms, q)) for q in (50, 99))
    return Cell(clients, elapsed, len(latencies), errors[0], p50, p99)


def fixed_count(target: Target, count: int, clients: int = 4) -> int:
    """Send exactly ``count`` requests over ``clients`` threads; the number that failed."""
    lines = target.lines.read_text().splitlines()
    failed = [0]
    lock = threading.Lock()

    def client(k: int) -> None:
        for i in range(k, count, clients):
            ok = _one(target, lines[i % len(lines)])
            if not ok:
                with lock:
                    failed[0] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failed[0]
