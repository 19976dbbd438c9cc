"""What people add to a decision, as types with their personal fields marked.

A customer's review request and feedback, and a reviewer's resolution, may carry text a
person typed. Those fields carry :class:`explainer.decision.Personal` with ``typed``, so
they are redacted before they are stored (:func:`explainer.privacy.personal.redacted`),
kept in the erasable payload, and removed by erasure and the retention purge, through the
same marking as the decision's own personal fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from explainer.decision import Personal, Typed

__all__ = ["DataAccess", "Feedback", "Resolution", "ReviewRequest"]

# Free text a person typed: redacted before it is stored, erasable afterwards.
PersonalNote = Annotated[str | None, Personal(erased=None, typed=True)]


class ReviewRequest(Typed):
    """A customer asked a person to review the decision."""

    id: str
    decision_id: str
    status: Literal["pending"] = "pending"
    created_at: datetime
    comment: PersonalNote = None


class Feedback(Typed):
    """Whether the explanation helped the customer."""

    id: str
    decision_id: str
    helpful: bool
    created_at: datetime
    comment: PersonalNote = None


class Resolution(Typed):
    """A reviewer confirmed or corrected a decision's labels."""

    id: str
    decision_id: str
    review_request_id: str | None
    reviewer: str
    action: Literal["confirm", "correct"]
    intent_before: str | None
    intent_after: str | None
    priority_before: str | None
    priority_after: str | None
    outcome: str
    created_at: datetime
    note: PersonalNote = None


class DataAccess(Typed):
    """A console user opened a decision's personal data (the customer may ask who did)."""

    id: str
    decision_id: str
    viewer: str
    role: str
    created_at: datetime
