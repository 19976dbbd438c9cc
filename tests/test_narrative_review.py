"""What the customer is told after a person reviewed the decision."""

from __future__ import annotations

from explainer.wording.review import review_outcome

DISPLAYS = {"intent": {"refund": "Refund request", "billing": "Billing"}, "priority": {}}


def test_confirmed() -> None:
    same = {"intent": "refund", "priority": "high"}
    assert review_outcome(same, same, DISPLAYS) == (
        "A person reviewed this decision and confirmed it."
    )


def test_changes_use_display_names_and_humanise_the_rest() -> None:
    text = review_outcome(
        {"intent": "billing", "priority": "normal"},
        {"intent": "refund", "priority": "very_high"},
        DISPLAYS,
    )
    assert text == (
        "A person reviewed this decision and changed the topic from Billing to Refund request "
        "and the priority from Normal to Very high."
    )
