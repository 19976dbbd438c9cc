"""The decision of SPEC section 3 as types: what the API answers and the OpenAPI document shows.

Extra fields are allowed (older stored decisions carry more); the named ones are fixed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from explainer.schemas import Channel, Plan

__all__ = [
    "Attribution",
    "Counterfactual",
    "CustomerOut",
    "CustomerView",
    "Decision",
    "Explanation",
    "Links",
    "ModelDecision",
    "ModelRef",
    "OpenModel",
    "TicketOut",
]


class OpenModel(BaseModel):
    model_config = ConfigDict(extra="allow")


class ModelRef(OpenModel):
    """Which model version decided."""

    name: str
    version: str
    sha256: str


class Attribution(OpenModel):
    """One input feature's contribution to the explained output."""

    feature: str
    kind: str
    value: float
    display: str
    spans: list[tuple[Literal["subject", "body"], int, int]] | None = None


class Explanation(OpenModel):
    """Exact attributions: ``base_value + sum(values) = output_value`` (+ the residual)."""

    method: str
    output_space: str
    contrast: str | None
    baseline: str
    base_value: float
    output_value: float
    additivity_error: float
    attributions: list[Attribution]


class ModelDecision(OpenModel):
    """One model's label, confidence and explanation."""

    label: str
    display: str
    queue: str | None = None
    response_time: str | None = None
    confidence: float = Field(ge=0, le=1)
    model: ModelRef
    explanation: Explanation


class CustomerOut(OpenModel):
    """The stored customer fields (never name or e-mail)."""

    id: str | None
    plan: Plan
    account_age_days: int
    open_tickets: int
    region: str | None


class TicketOut(OpenModel):
    """The redacted ticket as stored."""

    subject: str
    body: str
    channel: Channel
    language: str | None
    customer: CustomerOut


class Counterfactual(OpenModel):
    """A verified change of outcome when the ``removed`` substrings are deleted."""

    model: str
    removed: list[str]
    label: str
    text: str


class CustomerView(OpenModel):
    """The customer wording, produced from the attributions."""

    summary: str
    reasons: list[str]
    notice: str
    counterfactual: Counterfactual | None


class Links(OpenModel):
    """Where the customer can see this decision."""

    why: str = Field(description="A signed, expiring customer link.")


class Decision(OpenModel):
    """A decision (SPEC section 3); ``id`` and ``links`` are null in a preview."""

    id: str | None
    created_at: str
    ticket: TicketOut
    intent: ModelDecision | None
    priority: ModelDecision | None
    customer: CustomerView
    links: Links | None
