"""HTTP benchmark on loopback under ``explainer serve``'s production configuration.

    python -m bench.http [--quick] [--models DIR] [--out FILE]

In one run, under the same gunicorn configuration (sync workers, preload, 2
workers): the floor (a bare Flask JSON endpoint), the unexplained pipeline baseline
(both sklearn pipelines' ``predict_proba`` + an INSERT), and ours: ``POST
/api/v1/decisions`` (SQLite, then PostgreSQL), ``POST /api/v1/explain`` and ``GET
/why/{token}``, each at 1, 8 and 16 concurrent clients for a fixed duration. Cells
are interleaved (every server is up, the load moves from one to the next) so drift in
the machine's load hits baselines and ours alike, and the full run measures every cell
in three such rounds and reports each one's median. Then workers' memory, the
in-process batch path and a profile. ``--quick`` is for CI: short cells, no timing
assertions.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench import http_load, http_server, http_setup
from bench.http_batch import run_batch
from bench.http_costs import costs
from bench.http_load import Cell, Target
from bench.http_profile import profile
from bench.http_server import Server

__all__ = ["FULL", "QUICK", "Sizes", "main", "run"]

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2
FLOOR = "floor: bare Flask JSON endpoint"
PIPELINE = "baseline: 2 pipelines predict_proba + INSERT"
DECISIONS = "POST /api/v1/decisions"
EXPLAIN = "POST /api/v1/explain"
WHY = "GET /why/{token}"


@dataclass(frozen=True)
class Sizes:
    """Cell duration, client counts, requests before the second memory reading, batch."""

    seconds: float
    clients: tuple[int, ...]
    memory_requests: int
    batch: int
    distinct: int
    why_tokens: int
    profile: int
    rounds: int = 1  # each cell is the median of this many interleaved rounds


FULL = Sizes(6.0, (1, 8, 16), 10_000, 100_000, 3_000, 200, 300, rounds=3)
QUICK = Sizes(1.0, (1, 8, 16), 500, 2_000, 300, 20, 30)


def _log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} http: {msg}", file=sys.stderr, flush=True)


def _spawn(argv: list[str], env: dict[str, str], work: Path, name: str) -> Server:
    port = http_server.free_port()
    return Server([*argv, "--port", str(port)], env, port, work / f"{name}.log", ROOT)


def _baseline(kind: str, env: dict[str, str], work: Path, name: str) -> Server:
    argv = [sys.executable, "-m", "bench.http_serve", kind, "--workers", str(WORKERS)]
    return _spawn(argv, env, work, name)


def _ours(env: dict[str, str], work: Path, name: str) -> Server:
    explainer = Path(sys.executable).with_name("explainer")
    return _spawn([str(explainer), "serve", "--workers", str(WORKERS)], env, work, name)


def _warm(targets: dict[str, Target]) -> None:
    """A few requests per worker first: lazy imports and caches are not steady state."""
    for target in targets.values():
        failed = http_load.fixed_count(target, 8 * WORKERS, clients=WORKERS)
        if failed:
            raise RuntimeError(f"{failed} warm-up requests to {target.url} failed")


def _cells(
    targets: dict[str, tuple[Target, Server]], sizes: Sizes, work: Path, served: dict[str, int]
) -> dict[str, list[Cell]]:
    """Every target at every client count, ``sizes.rounds`` times over: each round visits
    every cell once, so slow drift in the machine's speed reaches every target in each
    round, and each figure is the median of its rounds (req/s, latencies, CPU)."""
    measured: dict[tuple[str, int], list[Cell]] = {}
    for round_ in range(1, sizes.rounds + 1):
        for clients in sizes.clients:
            for name, (target, server) in targets.items():
                cell = _cell(target, server, clients, sizes, work)
                measured.setdefault((name, clients), []).append(cell)
                served[name] = served.get(name, 0) + cell.requests
                _log(
                    f"{name} x{clients} (round {round_}/{sizes.rounds}): {cell.rps:,.0f} req/s "
                    f"p50 {cell.p50_ms:.1f} ms p99 {cell.p99_ms:.1f} ms errors {cell.errors} "
                    f"worker CPU {cell.cpu_ms or 0:.2f} ms/request"
                )
    return {
        name: [_median(measured[(name, clients)]) for clients in sizes.clients] for name in targets
    }


def _cell(target: Target, server: Server, clients: int, sizes: Sizes, work: Path) -> Cell:
    # The workers' own CPU per request says whether a route is CPU-bound (then only less
    # work helps) or waits (then overlapping the waits would).
    workers = server.workers()
    before = http_server.cpu_seconds(workers)
    cell = http_load.run_cell(target, clients, sizes.seconds, work)
    used = http_server.cpu_seconds(workers) - before
    return replace(cell, cpu_ms=1e3 * used / cell.requests if cell.requests else None)


def _median(cells: list[Cell]) -> Cell:
    """One cell standing for its rounds: medians, errors summed, the req/s range kept."""
    if len(cells) == 1:
        return cells[0]
    seconds = statistics.median(c.seconds for c in cells)
    rates = [c.rps for c in cells]
    cpu = [c.cpu_ms for c in cells if c.cpu_ms is not None]
    return Cell(
        cells[0].clients,
        seconds,
        round(statistics.median(rates) * seconds),
        sum(c.errors for c in cells),
        statistics.median(c.p50_ms for c in cells),
        statistics.median(c.p99_ms for c in cells),
        statistics.median(cpu) if cpu else None,
        (min(rates), max(rates)),
    )


def _memory(server: Server) -> list[dict[str, Any]]:
    return [http_server.memory(pid).__dict__ for pid in sorted(server.workers())]


def _block(
    kind: str, sizes: Sizes, models: Path, work: Path, floor: Server, tickets: list[dict[str, Any]]
) -> dict[str, Any]:
    """Every cell on one database kind, plus our workers' memory."""
    with ExitStack() as stack:
        url = stack.enter_context(http_setup.database(kind, work))
        if url is None:
            _log(f"{kind}: unreachable, skipped")
            return {"db": kind, "skipped": "PostgreSQL unreachable"}
        instance = work / f"instance-{kind}"
        config = {"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "MODELS_DIR": str(models)}
        key = http_setup.api_key(config)
        env = {f"EXPLAINER_{k}": v for k, v in config.items()}
        ours = stack.enter_context(_ours(env, work, f"ours-{kind}"))
        pipeline = stack.enter_context(_baseline("pipeline", env, work, f"pipeline-{kind}"))
        for server in (ours, pipeline):  # started together, loading in parallel
            server.wait_ready(WORKERS)
        loaded = _memory(ours)
        bodies = work / "bodies.jsonl"
        why = work / f"why-{kind}.txt"
        created = http_setup.why_paths(ours.url, key, tickets[: sizes.why_tokens], why)
        targets = {
            FLOOR: (Target(floor.url + "/floor", "POST", bodies), floor),
            PIPELINE: (Target(pipeline.url + "/decide", "POST", bodies), pipeline),
            DECISIONS: (Target(ours.url + "/api/v1/decisions", "POST", bodies, key), ours),
            EXPLAIN: (Target(ours.url + "/api/v1/explain", "POST", bodies, key), ours),
            WHY: (Target(ours.url, "GET", why), ours),
        }
        _warm({name: target for name, (target, _) in targets.items()})
        served: dict[str, int] = {}
        rows = _cells(targets, sizes, work, served)
        total = created + sum(served.get(n, 0) for n in (DECISIONS, EXPLAIN, WHY))
        if total < sizes.memory_requests:
            extra = sizes.memory_requests - total
            # The same decision path without the serialised, fsync'd write: quicker.
            target = Target(ours.url + "/api/v1/explain", "POST", bodies, key)
            failed = http_load.fixed_count(target, extra, clients=8)
            rows.setdefault("top-up errors", []).append(Cell(4, 0, extra, failed, 0, 0))
            total += extra
        memory = {
            "loaded": loaded,
            "after": _memory(ours),
            "requests": total,
            "master": http_server.memory(ours.proc.pid).__dict__,
            "pipeline_workers": _memory(pipeline),
            "shap_libs": sorted({p for w in ours.workers() for p in http_server.imports_shap(w)}),
        }
        return {"db": kind, "rows": rows, "memory": memory, "config": config}


def run(sizes: Sizes, models: Path) -> dict[str, Any]:
    """Measure everything; the figures the report needs."""
    work = Path(tempfile.mkdtemp(prefix="bench-http-"))
    _log(f"work folder {work}; load generator {http_load.generator()}")
    bodies = http_setup.bodies(sizes.distinct, work / "bodies.jsonl")
    blocks = []
    with _baseline("floor", {}, work, "floor") as floor:
        floor.wait_ready(WORKERS)
        for kind in ("sqlite", "postgresql"):
            blocks.append(_block(kind, sizes, models, work, floor, bodies))
    _log(f"batch: {sizes.batch:,} tickets through Decider.decide")
    batch = run_batch(models, bodies, sizes.batch)
    _log(f"profile: {sizes.profile} requests each in-process")
    config = {
        "DATABASE_URL": f"sqlite:///{work / 'profile' / 'bench.db'}",
        "INSTANCE_PATH": str(work / "instance-profile"),
        "MODELS_DIR": str(models),
    }
    prof = profile(config, bodies, sizes.profile)
    stages = {}
    for kind in ("sqlite", "postgresql"):
        with http_setup.database(kind, work / f"costs-{kind}") as url:
            if url is not None:
                _log(f"costs: {sizes.profile} decisions stage by stage in-process ({kind})")
                place = {"DATABASE_URL": url, "INSTANCE_PATH": str(work / f"instance-costs-{kind}")}
                stages[kind] = costs({**place, "MODELS_DIR": str(models)}, bodies, sizes.profile)
    shutil.rmtree(work, ignore_errors=True)  # databases, logs and request files of this run
    return {
        "blocks": blocks,
        "batch": batch,
        "profile": prof,
        "costs": stages,
        "generator": http_load.generator(),
        "sizes": sizes,
        "workers": WORKERS,
    }


def main(argv: list[str] | None = None) -> int:
    from bench import http_report

    parser = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__.split(".")[0])
    parser.add_argument("--quick", action="store_true", help="short cells for CI")
    parser.add_argument("--models", type=Path, default=ROOT / "models", help="models folder")
    parser.add_argument("--out", type=Path, default=None, help="append the Markdown section here")
    args = parser.parse_args(argv)
    started = time.time()
    figures = run(QUICK if args.quick else FULL, args.models)
    figures["elapsed_s"] = time.time() - started
    figures["command"] = "python -m bench.http" + (" --quick" if args.quick else "")
    print(http_report.table(figures))
    if args.out is not None:
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(http_report.markdown(figures))
        _log(f"appended to {args.out}")
    return 0 if http_report.errors(figures) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
