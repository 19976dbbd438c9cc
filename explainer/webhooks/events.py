"""The events a helpdesk can subscribe to and what their payloads carry.

Payloads carry ids, labels and links, never personal text: no message, comment, note,
customer id or sensitive topic. A helpdesk that needs more reads the decision through
the API with its own key.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EVENTS", "decision_data"]

EVENTS = (
    "decision.created",
    "handoff.required",
    "review.requested",
    "review.resolved",
    "feedback.received",
)


def decision_data(
    decision_id: str,
    intent: str | None,
    priority: str | None,
    handoff: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The ``data`` of an event about one decision."""
    data: dict[str, Any] = {
        "decision_id": decision_id,
        "intent": intent,
        "priority": priority,
        "links": {"decision": f"/api/v1/decisions/{decision_id}"},
    }
    if handoff is not None:
        data["handoff"] = {"required": handoff["required"], "reasons": list(handoff["reasons"])}
    data.update(extra)
    return data
