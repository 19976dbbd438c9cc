"""What the console searches for: the decision filters, independent of any database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["EQUALS", "HANDOFF_STATES", "REVIEW_STATES", "SORTS", "SUMMARY_COLUMNS", "SearchQuery"]

SUMMARY_COLUMNS = (  # what a search row shows; shared by every listing
    "id",
    "created_at",
    "intent",
    "priority",
    "intent_confidence",
    "priority_confidence",
    "channel",
    "plan",
    "language",
    "region",
    "intent_model_version",
    "priority_model_version",
)
EQUALS = ("intent", "priority", "channel", "plan", "language", "region")
SORTS = ("created_at", "intent_confidence", "priority_confidence", "intent", "priority")
REVIEW_STATES = ("none", "requested", "resolved")
# "required", "none", or one reason code (see explainer.handoff.rules).
HANDOFF_STATES = ("required", "none", "opted_out", "sensitive", "out_of_scope", "low_confidence")


@dataclass(frozen=True)
class SearchQuery:
    """What to look for; ``None`` means "any"."""

    equals: dict[str, str] = field(default_factory=dict)
    since: datetime | None = None
    until: datetime | None = None
    model_version: str | None = None
    confidence_model: str = "intent"  # which model's confidence the range applies to
    confidence_min: float | None = None
    confidence_max: float | None = None
    review: str | None = None
    handoff: str | None = None
    # Exact look-ups a support lead starts from: the helpdesk's ticket id, the customer id.
    ticket_id: str | None = None
    customer_id: str | None = None
    sort: str = "created_at"
    descending: bool = True
    page: int = 1
    per_page: int = 50
