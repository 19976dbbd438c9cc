"""Tampering with the database directly (triggers dropped, as an attacker would) is detected.

Each trial rebuilds a small log (about 20 records of every kind, with checkpoints),
checks it verifies, applies one random attack, and requires ``verify_log`` to fail,
naming the touched record for edits and deletions.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, MetaData, Table, delete, func, insert, select, text, update
from store_helpers import decisions as make_decisions
from tamper_helpers import drop_every_trigger

from explainer.explain.decide import Decider
from explainer.store import Store
from explainer.store.ledger.ledger import Ledger
from explainer.store.ledger.signer import Signer
from explainer.store.tables import (
    RECORD_TABLES,
    decisions,
    idempotency_keys,
    log_leaves,
    payloads,
    tree_heads,
)

TRIALS_PER_DATABASE = 100  # x 2 databases = 200 trials
# The fast suite tries each attack a few times; the whole campaign is an attack trial,
# run in the slow stage.
TRIALS = [
    pytest.param(20, id="quick"),
    pytest.param(TRIALS_PER_DATABASE, id="campaign", marks=pytest.mark.slow),
]
RECORDS = 20


@pytest.fixture(scope="module")
def pool(decider: Decider) -> list[dict[str, Any]]:
    return make_decisions(decider, 12, seed=11)


def _build(store: Store, rng: random.Random, pool: list[dict[str, Any]]) -> None:
    made: list[str] = []
    keys: list[str] = []
    while len(made) < 2 or _size(store) < RECORDS:
        roll = rng.random()
        if roll < 0.45 or len(made) < 2:
            made.append(str(store.save_decision(rng.choice(pool))[0].id))
        elif roll < 0.6:
            store.add_review_request(rng.choice(made), rng.choice([None, f"c{rng.random()}"]))
        elif roll < 0.75:
            store.add_feedback(rng.choice(made), rng.random() < 0.5, f"f{rng.random()}")
        elif roll < 0.83:
            store.revoke_link(rng.choice(made))
        elif roll < 0.93:
            keys.append(store.api_keys.create("k", ["decisions:read"])[1])
        elif keys:
            store.api_keys.revoke(keys.pop())
        else:
            store.purge()  # nothing is old: no record; keeps the path exercised
    if rng.random() < 0.3:
        customer = rng.choice(pool).ticket.customer.id
        store.erase_customer(customer)
    store.checkpoint()


def _size(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(log_leaves)).scalar_one())


def _leaves(conn: Connection) -> list[dict[str, Any]]:
    query = select(log_leaves).order_by(log_leaves.c.idx)
    return [dict(r) for r in conn.execute(query).mappings()]


def _referenced(conn: Connection) -> set[str]:
    refs = set(conn.execute(select(idempotency_keys.c.decision_id)).scalars())
    for kind in ("review_request", "feedback", "link_revocation"):
        table, _ = RECORD_TABLES[kind]
        refs |= set(conn.execute(select(table.c.decision_id)).scalars())
    refs |= set(conn.execute(text("SELECT key_id FROM api_key_revocations")).scalars())
    return refs


def _edit(conn: Connection, rng: random.Random) -> str | None:
    leaf = rng.choice(_leaves(conn))
    kind, ref = leaf["kind"], leaf["ref_id"]
    table, key = RECORD_TABLES[kind]
    held = conn.execute(
        select(payloads).where(payloads.c.kind == kind, payloads.c.ref_id == ref)
    ).first()
    choice = rng.choice(["row", "payload", "leaf"] if held else ["row", "leaf"])
    if choice == "leaf":
        new = "0" * 64 if leaf["leaf_hash"] != "0" * 64 else "1" * 64
        conn.execute(
            update(log_leaves).where(log_leaves.c.idx == leaf["idx"]).values(leaf_hash=new)
        )
    elif choice == "payload":
        data = json.dumps({"comment": "forged"})
        where = (payloads.c.kind == kind) & (payloads.c.ref_id == ref)
        conn.execute(update(payloads).where(where).values(data=data))
    else:
        column = {
            "decision": ("intent", "forged_label"),
            "review_request": ("status", "done"),
            "link_revocation": ("decision_id", None),
            "erasure": ("reason", "forged"),
            "api_key": ("scopes", json.dumps(["admin"])),
            "api_key_revocation": ("created_at", None),
            "feedback": ("helpful", None),
        }[kind]
        name, value = column
        if value is None:
            value = _other_value(conn, kind, name, ref)
        conn.execute(update(table).where(table.c[key] == ref).values({name: value}))
    return f"{kind} {ref}"


def _other_value(conn: Connection, kind: str, name: str, ref: str) -> Any:
    table, key = RECORD_TABLES[kind]
    current = conn.execute(select(table.c[name]).where(table.c[key] == ref)).scalar_one()
    if name == "helpful":
        return not current
    if name == "decision_id":
        others = [d for d in conn.execute(select(decisions.c.id)).scalars() if d != current]
        return others[0]
    return current.replace(microsecond=(current.microsecond + 1) % 1_000_000)


def _delete(conn: Connection, rng: random.Random) -> str | None:
    used = _referenced(conn)
    leaves = [lf for lf in _leaves(conn) if lf["ref_id"] not in used]
    leaf = rng.choice(leaves)
    kind, ref = leaf["kind"], leaf["ref_id"]
    table, key = RECORD_TABLES[kind]
    conn.execute(delete(payloads).where(payloads.c.kind == kind, payloads.c.ref_id == ref))
    conn.execute(delete(table).where(table.c[key] == ref))
    if rng.random() < 0.5:  # the whole trace: record and leaf
        conn.execute(delete(log_leaves).where(log_leaves.c.idx == leaf["idx"]))
        return None
    return f"{kind} {ref}"


def _reorder(conn: Connection, rng: random.Random) -> str | None:
    leaves = _leaves(conn)
    a, b = sorted(rng.sample(range(len(leaves)), 2))
    conn.execute(delete(log_leaves).where(log_leaves.c.idx.in_([a, b])))
    conn.execute(insert(log_leaves).values({**leaves[b], "idx": a}))
    conn.execute(insert(log_leaves).values({**leaves[a], "idx": b}))
    return None


def _insert(conn: Connection, rng: random.Random) -> str | None:
    row = dict(rng.choice(list(conn.execute(select(decisions)).mappings())))
    row["id"] = "dec_01FORGED00000000000000000"
    conn.execute(insert(decisions).values(row))
    if rng.random() < 0.5:
        return "decision dec_01FORGED00000000000000000"
    # ...and a leaf for it spliced into the middle, later leaves renumbered.
    leaves = _leaves(conn)
    at = rng.randrange(len(leaves))
    conn.execute(delete(log_leaves).where(log_leaves.c.idx >= at))
    spliced = [*leaves[:at], {**leaves[at], "kind": "decision", "ref_id": row["id"]}, *leaves[at:]]
    for i, leaf in enumerate(spliced[at:], start=at):
        conn.execute(insert(log_leaves).values({**leaf, "idx": i}))
    return None


def _truncate(conn: Connection, rng: random.Random) -> str | None:
    leaves = _leaves(conn)
    for leaf in reversed(leaves[-rng.randint(1, 5) :]):
        table, key = RECORD_TABLES[leaf["kind"]]
        where = (payloads.c.kind == leaf["kind"]) & (payloads.c.ref_id == leaf["ref_id"])
        conn.execute(delete(payloads).where(where))
        if leaf["kind"] == "decision":
            ref = idempotency_keys.c.decision_id == leaf["ref_id"]
            conn.execute(delete(idempotency_keys).where(ref))
        conn.execute(delete(table).where(table.c[key] == leaf["ref_id"]))
        conn.execute(delete(log_leaves).where(log_leaves.c.idx == leaf["idx"]))
    conn.execute(delete(tree_heads))  # an attacker hides the newer heads in the database
    return None


def _all_tables(store: Store) -> list[Table]:
    """Every table but Alembic's, dependents first (safe to empty in this order)."""
    reflected = MetaData()
    reflected.reflect(store.engine)
    kept = ("alembic_version", "log_info")  # the log's identity outlives every trial
    return [t for t in reversed(reflected.sorted_tables) if t.name not in kept]


ATTACKS: dict[str, Callable[[Connection, random.Random], str | None]] = {
    "edit": _edit,
    "delete": _delete,
    "reorder": _reorder,
    "insert": _insert,
    "truncate": _truncate,
}


@pytest.mark.parametrize("trials", TRIALS)
def test_every_attack_is_detected(
    make_store: Any, pool: list[dict[str, Any]], tmp_path: Path, trials: int
) -> None:
    store: Store = make_store(CHECKPOINT_EVERY=7)
    dialect = store.engine.dialect.name
    with store.engine.begin() as conn:
        drop_every_trigger(conn)
    tables = _all_tables(store)
    key = store.log.signer.key
    rng = random.Random(20260101 + len(dialect))
    names = list(ATTACKS)
    for trial in range(trials):
        with store.engine.begin() as conn:
            for table in tables:
                conn.execute(delete(table))
        store.log = Ledger(store.engine, Signer(key, tmp_path / f"trial{trial}"), 3600)
        _build(store, rng, pool)
        assert store.verify_log().ok, f"trial {trial}: clean log must verify"
        attack = names[trial % len(names)]
        with store.engine.begin() as conn:
            expected = ATTACKS[attack](conn, rng)
        result = store.verify_log()
        assert not result.ok, f"trial {trial}: {attack} went undetected"
        if expected is not None:
            assert result.first_bad == expected, f"trial {trial} {attack}: {result.message}"
