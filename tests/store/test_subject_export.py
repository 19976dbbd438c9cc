"""The subject export says what the console says: resolved reviews, who resolved, notes."""

from __future__ import annotations

from explainer.explain.decide import Decider
from explainer.schemas import TicketIn
from explainer.store import Store


def test_export_shows_resolutions_as_the_console_does(store: Store, decider: Decider) -> None:
    ticket = TicketIn(subject="Cannot log in", body="Password wrong.", customer={"id": "C-5"})
    saved, _ = store.save_decision(decider.decide(ticket))
    decision_id = str(saved.id)
    store.add_review_request(decision_id, "please check")
    store.resolve_review(decision_id, "rita", {"intent": None, "priority": None}, "Kept.", "kept")
    store.add_feedback(decision_id, True, None)
    export = store.export_customer("C-5")
    assert [r["status"] for r in export["reviews"]] == ["resolved"]
    assert export["reviews"][0]["outcome"] == "kept" and export["reviews"][0]["comment"]
    (resolution,) = export["resolutions"]
    assert resolution["reviewer"] == "rita" and resolution["note"] == "Kept."
    assert resolution["outcome"] == "kept" and resolution["personal_data_until"]
    assert export["decisions"][0]["link_revoked"] is False
    assert export["decisions"][0]["personal_data_until"]
    assert len(export["feedback"]) == 1
