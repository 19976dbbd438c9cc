"""The in-process batch path: ``Decider.decide`` over pre-validated tickets, every core.

Models load once in the parent; one forked process per core decides its share of the
tickets (copy-on-write, as under gunicorn). Reported as tickets/s per core.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explainer.explain.decide import Decider
from explainer.model.registry import load_models
from explainer.schemas import TicketIn

__all__ = ["Batch", "run_batch"]

_STATE: dict[str, Any] = {}


@dataclass(frozen=True)
class Batch:
    """Tickets decided, distinct tickets cycled, processes, wall and CPU seconds."""

    tickets: int
    distinct: int
    processes: int
    wall_s: float
    cpu_s: list[float]

    @property
    def per_core(self) -> float:
        """Tickets per CPU-second (each process's own CPU time, so other load is excluded)."""
        return self.tickets / sum(self.cpu_s) if self.cpu_s else 0.0

    @property
    def total(self) -> float:
        """Tickets per wall-clock second over all processes."""
        return self.tickets / self.wall_s


def _share(k: int) -> float:
    decider: Decider = _STATE["decider"]
    tickets: list[TicketIn] = _STATE["tickets"]
    n, procs = _STATE["n"], _STATE["procs"]
    start = time.process_time()
    for i in range(k, n, procs):
        decider.decide(tickets[i % len(tickets)])
    return time.process_time() - start


def run_batch(models_dir: Path, bodies: list[dict[str, Any]], n: int) -> Batch:
    """Decide ``n`` tickets (cycling ``bodies``, validated up front) on every core."""
    decider = Decider(load_models(models_dir))
    tickets = [TicketIn.model_validate(b) for b in bodies]
    for t in tickets[:50]:  # warm per-word caches, as a live worker would be
        decider.decide(t)
    procs = max(1, min(len(os.sched_getaffinity(0)), n))
    _STATE.update(decider=decider, tickets=tickets, n=n, procs=procs)
    context = multiprocessing.get_context("fork")
    start = time.perf_counter()
    with context.Pool(procs) as pool:
        cpu = pool.map(_share, range(procs))
    wall = time.perf_counter() - start
    _STATE.clear()
    return Batch(n, len(tickets), procs, wall, cpu)
