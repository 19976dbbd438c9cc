"""Erasure, retention purge and export: canaries vanish, the log keeps verifying."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from store_helpers import dump_all, ticket

from explainer.decision import Decision
from explainer.explain.decide import Decider
from explainer.store import Store
from explainer.training import corpus

CANARIES = {
    "subject": "zqxcanarysubject7731",
    "body": "zqxcanarybody9914",
    "review": "zqxcanaryreview5521",
    "feedback": "zqxcanaryfeedback3307",
}


def _customer_decisions(decider: Decider, customer: str, n: int) -> list[Decision]:
    rows = [t.row for t in corpus.generate(n, seed=3)]
    return [
        decider.decide(
            ticket(
                r,
                subject=f"{r['subject']} {CANARIES['subject']}",
                body=f"{CANARIES['body']} {r['body']}",
                customer={"id": customer, "plan": r["plan"], "region": "EU"},
            )
        )
        for r in rows
    ]


def test_erasure_leaves_no_trace(store: Store, decider: Decider) -> None:
    mine = [store.save_decision(d)[0] for d in _customer_decisions(decider, "C-ERASE", 3)]
    other, _ = store.save_decision(decider.decide(ticket(corpus.generate(1, seed=9)[0].row)))
    store.add_review_request(str(mine[0].id), f"please {CANARIES['review']}")
    store.add_feedback(str(mine[1].id), False, f"bad {CANARIES['feedback']}")
    store.checkpoint()
    before = dump_all(store.engine) + _head_file(store)
    assert all(c in before for c in CANARIES.values())
    exported = repr(store.export_customer("C-ERASE"))
    assert all(c in exported for c in CANARIES.values())

    counts = store.erase_customer("C-ERASE")
    assert counts["decision"] == 3 and counts["review_request"] == 1 and counts["feedback"] == 1
    assert counts["links_revoked"] == 3
    store.checkpoint()
    after = dump_all(store.engine) + _head_file(store)
    after += repr(store.export_customer("C-ERASE"))
    after += "".join(repr(store.get_decision(str(d.id))) for d in mine)
    after += repr([store.reviews_for(str(d.id)) + store.feedback_for(str(d.id)) for d in mine])
    for canary in CANARIES.values():
        at = after.find(canary)
        assert at < 0, after[max(0, at - 300) : at + 50]
    assert "C-ERASE" not in dump_all(store.engine)
    erased = store.get_decision(str(mine[0].id))
    assert erased is not None and erased.erased is True
    assert erased.ticket.subject == "" and erased.ticket.customer.id is None
    assert erased.intent and mine[0].intent and erased.intent.label == mine[0].intent.label
    assert all(store.link_revoked(str(d.id)) for d in mine)
    bare = other.model_copy(update={"receipt": None})
    assert store.get_decision(str(other.id)) == bare and not store.link_revoked(str(other.id))
    result = store.verify_log()
    assert result.ok, result.message
    assert store.inclusion_proof(str(mine[0].id), sign=True)["verified"]


def test_erasing_an_unknown_customer_changes_nothing(store: Store) -> None:
    assert store.erase_customer("nobody") == {
        "decision": 0,
        "review_request": 0,
        "feedback": 0,
        "erasure_id": None,
        "links_revoked": 0,
        "disk": None,  # nothing erased: nothing to scrub
    }
    assert store.verify_log().tree_size == 0


def test_purge_removes_exactly_the_expired_payload(store: Store, decider: Decider) -> None:
    now = datetime(2027, 6, 1, tzinfo=UTC)
    made = _customer_decisions(decider, "C-OLD", 4)
    ages = [31, 30.5, 29, 1]  # RETENTION_DAYS is 30 in the fixture
    saved = []
    for decision, age in zip(made, ages, strict=True):
        at = (now - timedelta(days=age)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        saved.append(store.save_decision(decision.model_copy(update={"created_at": at}))[0])
    counts = store.purge(now=now)
    assert counts["decision"] == 2 and counts["cutoff"] == "2027-05-02T00:00:00.000000Z"
    assert [getattr(store.get_decision(str(d.id)), "erased", False) for d in saved] == [
        True,
        True,
        False,
        False,
    ]
    assert store.get_decision(str(saved[2].id)) == saved[2].model_copy(update={"receipt": None})
    assert store.purge(now=now)["erasure_id"] is None
    assert store.verify_log().ok


def test_export_lists_retention_and_models(store: Store, decider: Decider) -> None:
    saved = [store.save_decision(d)[0] for d in _customer_decisions(decider, "C-EXP", 2)]
    store.add_feedback(str(saved[0].id), True, "thanks")
    data = store.export_customer("C-EXP")
    assert {d["id"] for d in data["decisions"]} == {d.id for d in saved}
    assert all(d["personal_data_until"] for d in data["decisions"])
    assert data["feedback"][0]["comment"] == "thanks" and data["feedback"][0]["personal_data_until"]
    assert {m["name"] for m in data["model_versions"]} == {"intent", "priority"}


def _head_file(store: Store) -> str:
    return store.log.signer.heads_file(store.log.log_id).read_text("utf-8")
