"""The decision of SPEC section 3 as one type, with personal data marked in the type.

``Decider`` returns a :class:`Decision`; the store, the API, the pages, the exports and
the OpenAPI document all use it. A field annotated with :class:`Personal` holds the
customer's data: redaction at rest, the public/erasable split, erasure, the retention
purge and the subject export all find personal data through :func:`personal_fields`,
so a new personal field is covered by adding the annotation, nowhere else.
Derived copies are computed when serialised and never stored (``customer.reasons``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from explainer.marking import ERASED, Personal, PersonalField, marked_fields, personal_fields
from explainer.schemas import Channel, Plan

__all__ = [
    "ERASED",
    "AccountAttribution",
    "AccountReason",
    "Attribution",
    "Counterfactual",
    "CustomerOut",
    "CustomerView",
    "Decision",
    "Explanation",
    "Handoff",
    "Links",
    "ModelDecision",
    "ModelRef",
    "Personal",
    "PersonalField",
    "QuotedReason",
    "Reason",
    "Receipt",
    "TextAttribution",
    "TicketOut",
    "Typed",
    "marked_fields",
    "personal_fields",
]

PersonalText = Annotated[str, Personal()]
Span = tuple[Literal["subject", "body"], int, int]


class Typed(BaseModel):
    """Strict shape: a misspelt or unknown field is a bug, not data."""

    model_config = ConfigDict(extra="forbid")


class ModelRef(Typed):
    """Which model version decided."""

    name: str
    version: str
    sha256: str


class TextAttribution(Typed):
    """Words of the customer's message: ``feature`` and ``display`` quote them."""

    feature: PersonalText
    kind: Literal["text"] = "text"
    value: float
    display: PersonalText
    spans: Annotated[list[Span], Personal(erased=[])]


class AccountAttribution(Typed):
    """An account field (plan, channel, age, open tickets): not personal on its own."""

    feature: str
    kind: Literal["account"] = "account"
    value: float
    display: str
    field: str
    field_value: Any


Attribution = Annotated[TextAttribution | AccountAttribution, Field(discriminator="kind")]


class Explanation(Typed):
    """Exact attributions: ``base_value + sum(values) = output_value`` (+ the residual)."""

    method: str
    output_space: str
    contrast: str | None
    baseline: str
    baseline_fields: dict[str, Any] = Field(default_factory=dict)
    base_value: float
    output_value: float
    additivity_error: float
    attributions: list[Attribution]


class ModelDecision(Typed):
    """One model's label, confidence and explanation."""

    label: str
    display: str
    queue: str | None = None
    response_time: str | None = None
    confidence: float = Field(ge=0, le=1)
    probabilities: dict[str, float] = Field(default_factory=dict)
    model: ModelRef
    explanation: Explanation


class CustomerOut(Typed):
    """The stored customer fields (never name or e-mail: those only steer redaction)."""

    id: Annotated[str | None, Personal(erased=None)] = None
    plan: Plan | None = Field(None, description="Null: not given (read at the baseline).")
    account_age_days: int | None = Field(None, description="Null: not given.")
    open_tickets: int | None = Field(None, description="Null: not given.")
    region: str | None = None


class TicketOut(Typed):
    """The ticket as stored: redacted text, audit attributes, account fields."""

    ticket_id: Annotated[str | None, Personal(erased=None)] = None
    subject: Annotated[str, Personal(erased="")]
    body: Annotated[str, Personal(erased="")]
    channel: Channel | None = Field(None, description="Null: not given (read at the baseline).")
    language: str | None = None
    prefer_person: bool = Field(False, description="The customer asked for a person.")
    customer: CustomerOut


class QuotedReason(Typed):
    """A reason that quotes the customer's message."""

    model: str
    feature: PersonalText
    value: float
    text: PersonalText
    spans: Annotated[list[Span], Personal(erased=[])]


class AccountReason(Typed):
    """A reason that names an account fact."""

    model: str
    feature: str
    value: float
    text: str


Reason = QuotedReason | AccountReason


class Counterfactual(Typed):
    """A verified change of outcome when the ``removed`` substrings are deleted."""

    model: str
    removed: Annotated[list[str], Personal(erased=[])]
    label: str
    display: str | None = None
    quoted: Annotated[list[str], Personal(erased=[])] = Field(default_factory=list)
    text: PersonalText


class CustomerView(Typed):
    """The customer wording, produced from the attributions and nothing else."""

    summary: str
    reason_details: list[Reason] = Field(default_factory=list)
    notice: str
    counterfactual: Counterfactual | None = None
    language: str = Field(
        "en", description="The language of this wording, shown at decision time (en, de)."
    )
    defaulted: list[str] = Field(
        default_factory=list,
        description="Models that chose what they choose for an empty message.",
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_stored_copy(cls, data: Any) -> Any:
        # Decisions stored before this type kept ``reasons`` as a second copy.
        if isinstance(data, dict) and "reasons" in data:
            return {k: v for k, v in data.items() if k != "reasons"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reasons(self) -> list[str]:
        """The reasons' sentences, in order (derived from ``reason_details``)."""
        return [r.text for r in self.reason_details]


HandoffCode = Literal["out_of_scope", "low_confidence", "sensitive", "opted_out"]


class Handoff(Typed):
    """Whether a person must act on this decision, and why (docs/handoff.md)."""

    required: bool = False
    reasons: list[HandoffCode] = Field(default_factory=list)
    topics: Annotated[list[str], Personal(erased=[])] = Field(
        default_factory=list,
        description="Sensitive topics the message mentioned (personal: erased with it).",
    )
    topic_list_version: str | None = None


class Links(Typed):
    """Where the customer can see this decision."""

    why: str = Field(description="A signed, expiring customer link.")


class Receipt(Typed):
    """The log's signed promise that it holds this record (docs/log.md says how to check)."""

    log_id: str = Field(description="The log that issued it (the origin of its signed heads).")
    leaf_hash: str = Field(description="RFC 6962 leaf hash of the record, hex.")
    index: int | None = Field(description="The record's place in the log; null while pending.")
    timestamp: str = Field(description="When the log took the record (UTC).")
    signature: str = Field(description="Ed25519 by the log key over the documented bytes, base64.")


class Decision(Typed):
    """A decision (SPEC section 3); ``id`` and ``links`` are null in a preview."""

    id: str | None = None
    created_at: str
    ticket: TicketOut
    intent: ModelDecision | None = None
    priority: ModelDecision | None = None
    customer: CustomerView
    handoff: Handoff = Field(default_factory=Handoff)
    links: Links | None = None
    receipt: Receipt | None = Field(None, description="Null in a preview.")
    template_version: str | None = None
    erased: bool = Field(False, description="The customer's personal data was erased.")

    def models(self) -> Iterator[tuple[str, ModelDecision]]:
        """``(name, block)`` of each model that decided, intent first."""
        for name in ("intent", "priority"):
            block = getattr(self, name)
            if block is not None:
                yield name, block

    def wire(self) -> dict[str, Any]:
        """The JSON form (SPEC names; ``customer.reasons`` computed)."""
        return self.model_dump(mode="json")
