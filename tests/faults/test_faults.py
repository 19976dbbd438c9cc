"""Faults get the right answer: only 2xx and 503, nothing lost, recovery without restarts.

Each test keeps a client ledger under load while one fault is injected into a real
``explainer serve``, then reconciles the ledger with the store: no acknowledged ticket
missing, no ticket stored twice, ``explainer audit verify`` passing, and the same
gunicorn master answering ``/readyz`` 200 at the end.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ServeFactory
from harness import EXPLAINER, Cluster, Ledger, Served, request
from sqlalchemy import create_engine, func, select

from explainer.store.tables import decisions

pytestmark = [pytest.mark.slow, pytest.mark.faults]
THREADS, NEW_FOR, DEADLINE = 4, 7.0, 90.0  # seconds of new tickets; of retries


def _sqlite_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'data' / 'explainer.db'}"


def _reconcile(served: Served, ledger: Ledger, master: int) -> None:
    assert set(ledger.statuses) <= {200, 201, 503}, ledger.statuses
    assert len(ledger.acknowledged) == ledger.sent > 0  # every ticket got through
    headers = {"Authorization": f"Bearer {ledger.key}"}
    missing = [
        i for i in ledger.acknowledged.values()
        if request("GET", f"{served.base}/api/v1/decisions/{i}", headers=headers)[0] != 200
    ]  # fmt: skip
    assert missing == []  # acknowledged but missing
    engine = create_engine(served.env["EXPLAINER_DATABASE_URL"])
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(decisions)).scalar_one()
    engine.dispose()
    assert stored == len(set(ledger.acknowledged.values()))  # no ticket stored twice
    assert _ready_within(served, 5.0)
    assert served.master() == master  # recovered without a restart
    verify = subprocess.run([EXPLAINER, "audit", "verify"], env={**os.environ, **served.env},
                            capture_output=True, text=True)  # fmt: skip
    assert verify.returncode == 0, verify.stderr


def _ready_within(served: Served, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while request("GET", served.base + "/readyz")[0] != 200:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _under_load(served: Served, key: str) -> tuple[Ledger, list]:
    ledger = Ledger(served.base, key)
    threads = ledger.run(THREADS, NEW_FOR, DEADLINE)
    time.sleep(1.0)  # let the load reach both workers before the fault
    return ledger, threads


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_sigkilled_worker_loses_nothing(
    serve: ServeFactory, workdir: Path, request_db: str, database: str
) -> None:
    served, key = serve(request_db)
    master = served.master()
    ledger, threads = _under_load(served, key)
    os.kill(served.workers()[0], signal.SIGKILL)
    for t in threads:
        t.join()
    _reconcile(served, ledger, master)


def _fault_then_repair(served: Served, key: str, fault_and_repair: Callable[[], None]) -> None:
    """Load, run the fault (which must leave /readyz 503 while it lasts), then reconcile."""
    master = served.master()
    ledger, threads = _under_load(served, key)
    fault_and_repair()
    for t in threads:
        t.join()
    assert ledger.statuses[503] > 0  # the fault was met, and answered 503
    _reconcile(served, ledger, master)


def _not_ready(served: Served, within: float = 5.0) -> None:
    asked = time.monotonic()
    assert request("GET", served.base + "/readyz")[0] == 503
    assert time.monotonic() - asked < within  # bounded, never the worker's 30 s timeout


def test_postgres_stopped_mid_load_answers_503_then_recovers(
    serve: ServeFactory, cluster: Cluster
) -> None:
    served, key = serve(cluster.database())

    def stop_then_start() -> None:
        cluster.stop()
        time.sleep(2.0)
        _not_ready(served)
        cluster.start()

    _fault_then_repair(served, key, stop_then_start)


def test_a_read_only_sqlite_file_answers_503_then_recovers(
    serve: ServeFactory, workdir: Path
) -> None:
    files = lambda: sorted((workdir / "data").glob("explainer.db*"))  # noqa: E731

    def chmod(mode: int) -> None:
        for f in files():
            f.chmod(mode)

    # Read-only from the start, so the workers' connections open read-only.
    served, key = serve(_sqlite_url(workdir), obey_file_modes=True, fault=lambda: chmod(0o444))

    def writable_again() -> None:
        _not_ready(served)
        time.sleep(1.0)
        chmod(0o666)  # pooled read-only connections must not linger after this

    _fault_then_repair(served, key, writable_again)


def test_a_held_sqlite_write_lock_answers_503_and_probes_stay_quick(
    serve: ServeFactory, workdir: Path
) -> None:
    served, key = serve(_sqlite_url(workdir))

    def hold_the_lock() -> None:
        holder = sqlite3.connect(workdir / "data" / "explainer.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            time.sleep(1.5)
            _not_ready(served)
            time.sleep(1.5)
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    _fault_then_repair(served, key, hold_the_lock)
