"""What people add to a decision: review requests, feedback, revoked links, resolutions."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from explainer.store.tables.base import ID, UTCDateTime, metadata

__all__ = [
    "data_accesses",
    "feedback",
    "link_reissues",
    "link_revocations",
    "review_requests",
    "review_resolutions",
]


review_requests = Table(
    "review_requests",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, index=True),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("helpful", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

link_revocations = Table(
    "link_revocations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# Revision 0006: a new customer link after a revocation. The count of revocations at
# issue is the link's generation; a revocation ends the current one.
link_reissues = Table(
    "link_reissues",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("generation", Integer, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

review_resolutions = Table(
    "review_resolutions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("review_request_id", String(ID), index=True),  # the request it answers, if any
    Column("reviewer", String(100), nullable=False),
    Column("action", String(20), nullable=False),  # confirm | correct
    Column("intent_before", String(100)),
    Column("intent_after", String(100)),
    Column("priority_before", String(100)),
    Column("priority_after", String(100)),
    Column("outcome", Text, nullable=False),  # the sentence the customer is shown
    Column("created_at", UTCDateTime, nullable=False),
)

# A console user opened a decision's personal data (revision 0005): who, as what, when.
data_accesses = Table(
    "data_accesses",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("decision_id", String(ID), ForeignKey("decisions.id"), nullable=False, index=True),
    Column("viewer", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
