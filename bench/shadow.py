"""Shadow throughput and memory: the whole log re-decided in one process and on Dask.

    python -m bench.shadow [--quick] [--sizes 100000,300000] [--out docs/benchmarks.md]

For each size a fresh SQLite store is bulk-inserted with decisions (real documents and
payloads, copied from a pool of 2,000 decided held-out demo tickets under new ids and
times; no log leaves, which shadow never reads). Then ``explainer shadow``'s own code runs
over it in a fresh process per configuration: in that process alone (``serial``), and on
a ``LocalCluster`` of 2 single-threaded workers. Reported: decisions per second, the
speed-up over one process, and the peak resident memory of the driver and of the
largest worker, whose growth from the smaller store to the larger is the point: the
store is read in partitions, so memory must not follow the log's size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import BENCH_SEED, models_folder

POOL = 2_000
SIZES = (100_000, 300_000)
QUICK_SIZES = (2_000, 6_000)
CONFIGS = ("serial", "dask")


def _log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


def bulk_insert(url: str, models: Path, n: int) -> None:
    """``n`` decisions into a migrated store at ``url`` (one transaction per 5,000)."""
    from sqlalchemy import insert

    from explainer.explain.decide import Decider
    from explainer.model.registry import load_models
    from explainer.privacy import personal
    from explainer.schemas import TicketIn
    from explainer.settings import Settings
    from explainer.store import Store
    from explainer.store.tables import decisions, payloads
    from explainer.training import corpus

    folder = str(Path(url.removeprefix("sqlite:///")).parent)
    settings = {"DATABASE_URL": url, "MODELS_DIR": str(models), "INSTANCE_PATH": folder}
    store = Store.from_settings(Settings.load(settings))
    store.upgrade()
    decider = Decider(load_models(models))
    pool = []
    for t in corpus.generate(POOL, seed=BENCH_SEED):
        d = decider.decide(TicketIn.model_validate(t.payload()))
        public, payload = personal.split(d)
        pool.append((d, public, json.dumps(payload)))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for lo in range(0, n, 5_000):
        rows, held = [], []
        for i in range(lo, min(n, lo + 5_000)):
            d, public, payload = pool[i % POOL]
            ref, at = f"dec_bench{i:010d}", start + timedelta(seconds=i)
            t = d.ticket
            rows.append(
                {
                    "id": ref,
                    "created_at": at,
                    "intent": d.intent.label if d.intent else None,
                    "priority": d.priority.label if d.priority else None,
                    "intent_confidence": d.intent.confidence if d.intent else None,
                    "priority_confidence": d.priority.confidence if d.priority else None,
                    "channel": t.channel,
                    "plan": t.customer.plan,
                    "language": t.language,
                    "region": t.customer.region,
                    "intent_model_version": d.intent.model.version if d.intent else None,
                    "priority_model_version": d.priority.model.version if d.priority else None,
                    "template_version": d.template_version,
                    "api_key_id": None,
                    "document": json.dumps({**public, "id": ref}),
                }
            )
            held.append(
                {
                    "kind": "decision",
                    "ref_id": ref,
                    "customer_id": t.customer.id,
                    "created_at": at,
                    "salt": secrets.token_hex(16),
                    "data": payload,
                    "ticket_hash": None,
                }
            )
        with store.engine.begin() as conn:
            conn.execute(insert(decisions), rows)
            conn.execute(insert(payloads), held)
    store.dispose()


def one_run(url: str, models: Path, config: str) -> dict[str, Any]:
    """One shadow run over the store (this process is fresh: its peak is the run's)."""
    from explainer.service import Service
    from explainer.settings import Settings

    settings = Settings.load(
        {
            "DATABASE_URL": url,
            "MODELS_DIR": str(models),
            "INSTANCE_PATH": str(Path(url[10:]).parent),
        }
    )
    service = Service.from_settings(settings, models=False)
    peaks: list[int] = []
    started = time.perf_counter()
    report, _ = service.releases.shadow(
        models, serial=config == "serial", workers=2, worker_peaks=peaks
    )
    elapsed = time.perf_counter() - started
    service.close()
    scored = report["decisions"]["scored"]
    return {
        "config": config,
        "decisions": scored,
        "seconds": round(elapsed, 2),
        "per_second": round(scored / elapsed, 1),
        "driver_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "worker_peak_mb": round(max(peaks) / 1024, 1) if peaks else None,
    }


def _child(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench.shadow", *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    return done.stdout


def run(sizes: tuple[int, ...], models: Path, work: Path) -> list[dict[str, Any]]:
    """Every size and configuration, each in its own process."""
    results = []
    for n in sizes:
        url = f"sqlite:///{work / f'shadow-{n}.db'}"
        _log(f"bulk-inserting {n:,} decisions")
        t = time.perf_counter()
        _child("--insert", str(n), "--db", url, "--models", str(models))
        _log(f"inserted in {time.perf_counter() - t:.0f} s")
        for config in CONFIGS:
            _log(f"shadow over {n:,} decisions: {config}")
            got = json.loads(_child("--one", config, "--db", url, "--models", str(models)))
            results.append({"size": n, **got})
            _log(f"  {got['per_second']:,.0f} decisions/s, driver {got['driver_peak_mb']} MB")
        (work / f"shadow-{n}.db").unlink()
    return results


def markdown(results: list[dict[str, Any]], models: str) -> str:
    """The report section."""
    serial = {r["size"]: r["per_second"] for r in results if r["config"] == "serial"}
    lines = [
        "## Shadow evaluation of the whole log (Dask)",
        "",
        f"`python -m bench.shadow`: both model sets ({models}, measured against themselves) "
        "re-decide and re-explain every stored decision of a bulk-inserted SQLite store, "
        "in one process and on a LocalCluster of 2 single-threaded workers; each run in "
        "a fresh process.",
        "",
        "| decisions | run | decisions/s | x one process | driver peak MB | worker peak MB |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        worker = "–" if r["worker_peak_mb"] is None else f"{r['worker_peak_mb']:,.0f}"
        run = "one process" if r["config"] == "serial" else "LocalCluster, 2 workers"
        lines.append(
            f"| {r['size']:,} | {run} "
            f"| {r['per_second']:,.0f} | {r['per_second'] / serial[r['size']]:.2f} "
            f"| {r['driver_peak_mb']:,.0f} | {worker} |"
        )
    sizes = sorted({r["size"] for r in results})
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        lines += ["", f"Peak memory at {hi:,} against {lo:,} decisions:"]
        for config in CONFIGS:
            a = next(r for r in results if r["size"] == lo and r["config"] == config)
            b = next(r for r in results if r["size"] == hi and r["config"] == config)
            line = f"- {config}: driver {b['driver_peak_mb'] / a['driver_peak_mb']:.3f}x"
            if a["worker_peak_mb"] and b["worker_peak_mb"]:
                line += f", largest worker {b['worker_peak_mb'] / a['worker_peak_mb']:.3f}x"
            lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.shadow", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="tiny stores, for CI")
    parser.add_argument("--sizes", help="comma-separated store sizes")
    parser.add_argument(
        "--models", type=Path, default=None, help="models folder (default: models/)"
    )
    parser.add_argument("--out", type=Path, default=None, help="append the report to this file")
    parser.add_argument("--insert", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one", choices=CONFIGS, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    models = args.models or Path("models")
    if args.insert is not None:
        bulk_insert(args.db, models, args.insert)
        return 0
    if args.one is not None:
        print(json.dumps(one_run(args.db, models, args.one)))
        return 0
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
    sizes = sizes or (QUICK_SIZES if args.quick else SIZES)
    with tempfile.TemporaryDirectory(prefix="bench-shadow-") as work:
        where, described = models_folder(models, 6_000, _log)
        results = run(sizes, where, Path(work))
    text = markdown(results, described)
    print(text)
    if args.out is not None:
        with args.out.open("a", encoding="utf-8") as f:
            f.write("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
