"""Decisions: round trip, atomicity, idempotency, search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from store_helpers import decisions as make_decisions

from explainer.decision import Decision
from explainer.errors import ConflictError, NotFoundError, NotYetCovered
from explainer.explain.decide import Decider
from explainer.oversight.query import SearchQuery
from explainer.store import Store
from explainer.store.ledger import log
from explainer.store.tables import decisions, log_leaves, payloads
from explainer.tlog import merkle, notes


@pytest.fixture(scope="module")
def two_hundred(decider: Decider) -> list[Decision]:
    return make_decisions(decider, 200)


def test_round_trip_of_200_decisions(store: Store, two_hundred: list[Decision]) -> None:
    saved = [store.save_decision(d)[0] for d in two_hundred]
    for original, stored in zip(two_hundred, saved, strict=True):
        assert stored.id is not None and stored.id.startswith("dec_") and len(stored.id) == 30
        assert stored.created_at == original.created_at
        assert stored.receipt is not None and stored.receipt.log_id == store.log.log_id
        bare = stored.model_copy(update={"receipt": None})
        assert bare.model_copy(update={"id": None}) == original
        assert store.get_decision(stored.id) == bare
    assert len({s.id for s in saved}) == 200
    assert store.verify_log().ok


def test_ids_sort_by_time(store: Store, two_hundred: list[Decision]) -> None:
    ids = [store.save_decision(d)[0].id for d in two_hundred[:5]]
    assert [i[:14] for i in ids] == sorted(i[:14] for i in ids)


def test_failure_between_writes_leaves_nothing(
    store: Store, two_hundred: list[Decision], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object, **_k: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(log, "append_leaf", broken)
    with pytest.raises(RuntimeError):
        store.save_decision(two_hundred[0], idempotency_key="k1", request_hash="h")
    with store.engine.connect() as conn:
        for table in (decisions, payloads, log_leaves):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0
    monkeypatch.undo()
    assert store.save_decision(two_hundred[0], idempotency_key="k1", request_hash="h")[1]


def test_idempotency(store: Store, two_hundred: list[Decision]) -> None:
    first, created = store.save_decision(two_hundred[0], idempotency_key="abc", request_hash="h1")
    again, created_again = store.save_decision(
        two_hundred[1], idempotency_key="abc", request_hash="h1"
    )
    assert created and not created_again and again == first
    with pytest.raises(ConflictError):
        store.save_decision(two_hundred[0], idempotency_key="abc", request_hash="h2")
    other, created_other = store.save_decision(
        two_hundred[0], idempotency_key="abc", request_hash="h1", api_key_id="KEY2"
    )
    assert created_other and other.id != first.id  # keys are scoped per API key


def test_unknown_decision(store: Store) -> None:
    assert store.get_decision("dec_nope") is None
    with pytest.raises(NotFoundError):
        store.add_review_request("dec_nope", None)
    with pytest.raises(NotFoundError):
        store.inclusion_proof("dec_nope")


def test_search_filters_and_order(store: Store, two_hundred: list[Decision]) -> None:
    base = datetime(2026, 3, 1, tzinfo=UTC)
    for i, d in enumerate(two_hundred[:40]):
        at = base + timedelta(hours=i)
        store.save_decision(
            d.model_copy(update={"created_at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")})
        )
    rows, total = store.search(SearchQuery(per_page=10))
    assert total == 40 and len(rows) == 10
    assert [r["created_at"] for r in rows] == sorted((r["created_at"] for r in rows), reverse=True)
    plan = two_hundred[0].ticket.customer.plan
    rows, total = store.search(SearchQuery(equals={"plan": plan}, per_page=100))
    assert total == sum(d.ticket.customer.plan == plan for d in two_hundred[:40])
    assert all(r["plan"] == plan for r in rows)
    window = SearchQuery(since=base + timedelta(hours=10), until=base + timedelta(hours=20))
    rows, total = store.search(window)
    assert total == 10
    intent = two_hundred[0].intent.label if two_hundred[0].intent else None
    rows, _ = store.search(SearchQuery(equals={"intent": intent}, per_page=1))
    assert rows[0]["intent"] == intent and rows[0]["intent_model_version"]


def test_people_records(store: Store, two_hundred: list[Decision]) -> None:
    d, _ = store.save_decision(two_hundred[0])
    review = store.add_review_request(str(d.id), "please look")
    assert review["status"] == "pending" and review["comment"] == "please look"
    store.add_feedback(str(d.id), False, None)
    assert store.reviews_for(str(d.id)) == [review]
    assert [f["helpful"] for f in store.feedback_for(str(d.id))] == [False]
    assert not store.link_revoked(str(d.id))
    store.revoke_link(str(d.id))
    store.revoke_link(str(d.id))
    assert store.link_revoked(str(d.id))
    assert store.verify_log().tree_size == 4  # decision, review, feedback, one revocation


def test_checkpoints_every_n_and_inclusion_proof(
    make_store: Any, two_hundred: list[Decision]
) -> None:
    store = make_store(CHECKPOINT_EVERY=5)
    saved = [store.save_decision(d)[0] for d in two_hundred[:12]]
    assert [h.tree_size for h in _heads(store)] == [5, 10]
    proof = store.inclusion_proof(str(saved[3].id))
    assert proof["verified"] and proof["tree_size"] == 10
    with pytest.raises(NotYetCovered):  # a read never signs a head
        store.inclusion_proof(str(saved[11].id))
    assert [h.tree_size for h in _heads(store)] == [5, 10]
    proof = store.inclusion_proof(str(saved[11].id), sign=True)  # the console's choice
    assert proof["verified"] and proof["tree_size"] == 12 and proof["leaf_index"] == 11
    assert store.ready()


def test_checkpoints_extend_the_tree_across_stores(
    make_store: Any, two_hundred: list[Decision]
) -> None:
    # Each store extends its own tree from its last checkpoint; another store's
    # appends in between must still be in the next root.
    first, second = make_store(CHECKPOINT_EVERY=4), make_store(CHECKPOINT_EVERY=4)
    for i, d in enumerate(two_hundred[:14]):
        (first if i % 3 else second).save_decision(d)
    first.checkpoint()
    with first.engine.connect() as conn:
        hashes = conn.execute(select(log_leaves.c.leaf_hash).order_by(log_leaves.c.idx))
        every = [bytes.fromhex(h) for h in hashes.scalars()]
    heads = _heads(first)
    assert [h.tree_size for h in heads] == [4, 8, 12, 14]
    for head in heads:
        assert head.root == merkle.root(every[: head.tree_size])
    assert first.verify_log().ok


def _heads(store: Store) -> list[notes.Head]:
    """The heads in the store's own head file, each opened with the log's key."""
    ledger = store.log
    keys = ledger.signer.public_keys
    opened = [notes.open_head(n, ledger.log_id, keys) for n in ledger.signer.read(ledger.log_id)]
    assert all(opened), "every head in the file is signed by the log key"
    return [h for h in opened if h is not None]
