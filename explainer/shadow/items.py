"""What shadow scoring reads of one stored decision: redacted text, account fields, the
audit attributes and any reviewed labels. Nothing else leaves the store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

__all__ = ["ACCOUNT_FIELDS", "EVALUATION_SHARE", "ShadowItem", "held_out"]

ACCOUNT_FIELDS = ("channel", "plan", "account_age_days", "open_tickets")
# Reviewed decisions set aside for judging candidates: retraining never learns from them,
# so a candidate's accuracy on them is not measured on its own training data.
EVALUATION_SHARE = 0.3


def held_out(decision_id: str) -> bool:
    """Whether a reviewed decision is kept for evaluation (fixed by its id, everywhere)."""
    digest = hashlib.sha256(decision_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") < EVALUATION_SHARE * 2**32


@dataclass(frozen=True, slots=True)
class ShadowItem:
    """One stored decision as shadow scoring sees it (``None``: not given / not reviewed)."""

    id: str
    subject: str
    body: str
    fields: dict[str, Any]
    language: str | None
    region: str | None
    plan: str | None
    reviewed_intent: str | None = None
    reviewed_priority: str | None = None

    @classmethod
    def of(cls, doc: dict[str, Any], reviewed: tuple[str | None, str | None]) -> ShadowItem:
        """From a stored decision document with its payload filled back in."""
        ticket, customer = doc["ticket"], doc["ticket"]["customer"]
        fields = {"channel": ticket.get("channel")} | {
            f: customer.get(f) for f in ACCOUNT_FIELDS[1:]
        }
        return cls(
            id=doc["id"],
            subject=ticket["subject"],
            body=ticket["body"],
            fields={k: v for k, v in fields.items() if v is not None},
            language=ticket.get("language"),
            region=customer.get("region"),
            plan=customer.get("plan"),
            reviewed_intent=reviewed[0],
            reviewed_priority=reviewed[1],
        )
