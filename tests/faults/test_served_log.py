"""The log as outsiders check it on a served app: receipts, witness, a tampered copy.

1,000 decisions through ``explainer serve``; the standalone verifier (standard library
and ``cryptography`` only) checks every receipt against the running service; a witness
follows it over HTTP; a clean stop leaves a head over everything. Then a copy of the
database is rewritten by someone holding the log key and served again: the verifier and
the witness both refuse it, naming what changed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from harness import EXPLAINER, Served, request
from sqlalchemy import create_engine, delete, text
from tamper_helpers import drop_every_trigger, rehash_leaves

from explainer.store.tables import tree_heads

pytestmark = [pytest.mark.slow, pytest.mark.faults]

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "tools" / "verify_receipts.py"
DECISIONS = 1_000


def _verifier(base: str, receipts: Path, key: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, str(VERIFIER), "--url", base, "--receipts", str(receipts)]
    return subprocess.run([*argv, "--public-key", key], capture_output=True, text=True)


def _cli(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [EXPLAINER, *argv], env={**os.environ, **env}, capture_output=True, text=True
    )


def _wait_for_head(base: str, size: int) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status, log = request("GET", f"{base}/api/v1/log")
        if status == 200 and log["tree_size"] >= size:
            return dict(log)
        time.sleep(0.2)
    raise AssertionError(f"no signed head covered {size} records within 15 s")


def test_outsiders_check_a_served_log_and_catch_a_rewritten_copy(serve: Any, workdir: Path) -> None:
    url = f"sqlite:///{workdir / 'data' / 'explainer.db'}"
    served, key = serve(url)
    auth = {"Authorization": f"Bearer {key}"}

    def post(i: int) -> dict[str, Any]:
        body = {"subject": f"Charged twice on invoice {i}", "body": "Please refund me."}
        status, answer = request("POST", f"{served.base}/api/v1/decisions", body, auth)
        assert status == 201, (status, answer)
        return dict(answer)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(DECISIONS)))
    receipts = workdir / "outside" / "receipts.jsonl"
    receipts.parent.mkdir()
    receipts.write_text("".join(json.dumps(a) + "\n" for a in answers))
    # Heads follow writes within a second (the key record plus the decisions).
    log = _wait_for_head(served.base, DECISIONS + 1)
    public_key = log["public_key"]
    checked = _verifier(served.base, receipts, public_key)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{DECISIONS} of {DECISIONS} receipts hold" in checked.stdout
    env = served.env
    witness = workdir / "outside" / "witness.jsonl"
    seen = _cli(env, "audit", "witness", "--url", served.base, "--out", str(witness))
    assert seen.returncode == 0, seen.stderr

    # A clean stop signs a head over everything any worker wrote.
    request("POST", f"{served.base}/api/v1/decisions", {"subject": "One more"}, auth)
    served.stop()
    final = _cli(env, "audit", "verify", "--receipts", str(receipts), "--witness", str(witness))
    assert final.returncode == 0, final.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT max(idx) + 1 FROM log_leaves")).scalar_one()
        head = conn.execute(text("SELECT max(tree_size) FROM tree_heads")).scalar_one()
    engine.dispose()
    assert head == size == DECISIONS + 2

    # A copy rewritten by someone with the database and the key: one old decision edited,
    # every leaf re-hashed, the old heads removed; the service signs the new tree.
    copy = workdir / "copy"
    shutil.copytree(workdir / "data", copy / "data")
    shutil.copytree(workdir / "instance", copy / "instance")
    victim = answers[DECISIONS // 3]["id"]
    copied = create_engine(f"sqlite:///{copy / 'data' / 'explainer.db'}")
    with copied.begin() as conn:
        drop_every_trigger(conn)
        conn.execute(
            text("UPDATE decisions SET priority = 'tampered' WHERE id = :i"), {"i": victim}
        )
        rehash_leaves(conn)
        conn.execute(delete(tree_heads))
    copied.dispose()
    forged_env = {
        **env,
        "EXPLAINER_DATABASE_URL": f"sqlite:///{copy / 'data' / 'explainer.db'}",
        "EXPLAINER_INSTANCE_PATH": str(copy / "instance"),
    }
    assert _cli(forged_env, "db", "upgrade").returncode == 0  # signs a head over the copy
    forged = Served(forged_env)
    forged.start()
    try:
        caught = _verifier(forged.base, receipts, public_key)
        assert caught.returncode == 1, caught.stdout + caught.stderr
        assert f"decision {victim}" in caught.stdout and "edited or replaced" in caught.stdout
        assert "999 of 1000 receipts hold" in caught.stdout
        refused = _cli(env, "audit", "witness", "--url", forged.base, "--out", str(witness))
        assert refused.returncode == 2 and "rewritten" in refused.stderr, refused.stderr
    finally:
        forged.stop()
