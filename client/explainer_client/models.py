"""The API's request and answer types, generated from the service's OpenAPI document.

Do not edit: run ``python tools/client_models.py`` after changing the service's schemas.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel


class AccountAttribution(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    display: Annotated[str, Field(title="Display")]
    feature: Annotated[str, Field(title="Feature")]
    field: Annotated[str, Field(title="Field")]
    field_value: Annotated[Any, Field(title="Field Value")]
    kind: Annotated[Literal["account"], Field(title="Kind")] = "account"
    value: Annotated[float, Field(title="Value")]


class AccountReason(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    feature: Annotated[str, Field(title="Feature")]
    model: Annotated[str, Field(title="Model")]
    text: Annotated[str, Field(title="Text")]
    value: Annotated[float, Field(title="Value")]


class BatchIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    items: Annotated[list[dict[str, Any]], Field(max_length=100, min_length=1, title="Items")]


class IdempotencyKey(RootModel[str]):
    root: Annotated[str, Field(pattern="^[\\x21-\\x7e]{1,200}$", title="Idempotency Key")] = None


class ConsistencyProof(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    first: Annotated[int, Field(title="First")]
    proof: Annotated[list[str], Field(title="Proof")]
    second: Annotated[int, Field(title="Second")]


class Counterfactual(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    display: Annotated[str | None, Field(title="Display")] = None
    label: Annotated[str, Field(title="Label")]
    model: Annotated[str, Field(title="Model")]
    quoted: Annotated[list[str] | None, Field(title="Quoted")] = None
    removed: Annotated[list[str], Field(title="Removed")]
    text: Annotated[str, Field(title="Text")]


class AccountAgeDays(RootModel[int]):
    root: Annotated[
        int,
        Field(
            description="Not given: baseline.",
            ge=0,
            le=1000000,
            title="Account Age Days",
        ),
    ] = None


class Email(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description="Used to redact; never stored.",
            max_length=200,
            pattern="^[^\\x00]*$",
            title="Email",
        ),
    ] = None


class Id(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description="Your customer id (erasable).",
            max_length=200,
            pattern="^[^\\x00]*$",
            title="Id",
        ),
    ] = None


class Name(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description="Used to redact; never stored.",
            max_length=200,
            pattern="^[^\\x00]*$",
            title="Name",
        ),
    ] = None


class OpenTickets(RootModel[int]):
    root: Annotated[
        int,
        Field(description="Not given: baseline.", ge=0, le=1000000, title="Open Tickets"),
    ] = None


class Plan(StrEnum):
    free = "free"
    pro = "pro"
    business = "business"
    enterprise = "enterprise"


class Region(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description="Audit attribute; not a model input.",
            max_length=200,
            pattern="^[^\\x00]*$",
            title="Region",
        ),
    ] = None


class CustomerIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    account_age_days: Annotated[
        AccountAgeDays | None,
        Field(description="Not given: baseline.", title="Account Age Days"),
    ] = None
    email: Annotated[
        Email | None, Field(description="Used to redact; never stored.", title="Email")
    ] = None
    id: Annotated[Id | None, Field(description="Your customer id (erasable).", title="Id")] = None
    name: Annotated[
        Name | None, Field(description="Used to redact; never stored.", title="Name")
    ] = None
    open_tickets: Annotated[
        OpenTickets | None,
        Field(description="Not given: baseline.", title="Open Tickets"),
    ] = None
    plan: Annotated[
        Plan | None, Field(description="Not given: read at the baseline.", title="Plan")
    ] = None
    region: Annotated[
        Region | None,
        Field(description="Audit attribute; not a model input.", title="Region"),
    ] = None


class CustomerOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    account_age_days: Annotated[
        int | None, Field(description="Null: not given.", title="Account Age Days")
    ] = None
    id: Annotated[str | None, Field(title="Id")] = None
    open_tickets: Annotated[
        int | None, Field(description="Null: not given.", title="Open Tickets")
    ] = None
    plan: Annotated[
        Plan | None,
        Field(description="Null: not given (read at the baseline).", title="Plan"),
    ] = None
    region: Annotated[str | None, Field(title="Region")] = None


class FieldError(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    loc: Annotated[list[str | int], Field(title="Loc")]
    msg: Annotated[str, Field(title="Msg")]
    type: Annotated[str, Field(title="Type")]


class Reason(StrEnum):
    out_of_scope = "out_of_scope"
    low_confidence = "low_confidence"
    sensitive = "sensitive"
    opted_out = "opted_out"


class Handoff(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    reasons: Annotated[list[Reason] | None, Field(title="Reasons")] = None
    required: Annotated[bool | None, Field(title="Required")] = False
    topic_list_version: Annotated[str | None, Field(title="Topic List Version")] = None
    topics: Annotated[
        list[str] | None,
        Field(
            description="Sensitive topics the message mentioned (personal: erased with it).",
            title="Topics",
        ),
    ] = None


class LeafPage(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    leaf_hashes: Annotated[list[str], Field(title="Leaf Hashes")]
    start: Annotated[int, Field(title="Start")]


class Links(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    why: Annotated[str, Field(description="A signed, expiring customer link.", title="Why")]


class Liveness(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    status: Annotated[Literal["ok"], Field(title="Status")]


class LogInfo(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    checkpoint: Annotated[
        str | None,
        Field(description="The latest head: a C2SP signed note.", title="Checkpoint"),
    ]
    log_id: Annotated[
        str,
        Field(
            description="The origin every signed head and receipt names.",
            title="Log Id",
        ),
    ]
    previous_keys: Annotated[
        list[str],
        Field(description="Retired public keys, still verified.", title="Previous Keys"),
    ]
    public_key: Annotated[
        str,
        Field(description="The Ed25519 public key, base64 (32 bytes).", title="Public Key"),
    ]
    tree_size: Annotated[
        int,
        Field(description="Records covered by the latest signed head.", title="Tree Size"),
    ]


class ModelList(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    models: Annotated[list[dict[str, Any]], Field(title="Models")]


class ModelRef(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    name: Annotated[str, Field(title="Name")]
    sha256: Annotated[str, Field(title="Sha256")]
    version: Annotated[str, Field(title="Version")]


class Problem(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    detail: Annotated[str, Field(title="Detail")]
    errors: Annotated[list[FieldError] | None, Field(title="Errors")] = None
    instance: Annotated[str, Field(title="Instance")]
    status: Annotated[int, Field(title="Status")]
    title: Annotated[str, Field(title="Title")]
    type: Annotated[str, Field(title="Type")]


class Proof(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )


class SpanEnum(StrEnum):
    subject = "subject"
    body = "body"


class Span(RootModel[tuple[SpanEnum, int, int]]):
    root: Annotated[tuple[SpanEnum, int, int], Field(max_length=3, min_length=3)]


class QuotedReason(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    feature: Annotated[str, Field(title="Feature")]
    model: Annotated[str, Field(title="Model")]
    spans: Annotated[list[Span], Field(title="Spans")]
    text: Annotated[str, Field(title="Text")]
    value: Annotated[float, Field(title="Value")]


class Status(StrEnum):
    ok = "ok"
    unavailable = "unavailable"


class Readiness(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    checks: Annotated[dict[str, bool], Field(title="Checks")]
    status: Annotated[Status, Field(title="Status")]


class Receipt(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    index: Annotated[
        int | None,
        Field(
            description="The record's place in the log; null while pending.",
            title="Index",
        ),
    ]
    leaf_hash: Annotated[
        str,
        Field(description="RFC 6962 leaf hash of the record, hex.", title="Leaf Hash"),
    ]
    log_id: Annotated[
        str,
        Field(
            description="The log that issued it (the origin of its signed heads).",
            title="Log Id",
        ),
    ]
    signature: Annotated[
        str,
        Field(
            description="Ed25519 by the log key over the documented bytes, base64.",
            title="Signature",
        ),
    ]
    timestamp: Annotated[
        str, Field(description="When the log took the record (UTC).", title="Timestamp")
    ]


class Span1Enum(StrEnum):
    subject = "subject"
    body = "body"


class Span1(RootModel[tuple[Span1Enum, int, int]]):
    root: Annotated[tuple[Span1Enum, int, int], Field(max_length=3, min_length=3)]


class TextAttribution(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    display: Annotated[str, Field(title="Display")]
    feature: Annotated[str, Field(title="Feature")]
    kind: Annotated[Literal["text"], Field(title="Kind")] = "text"
    spans: Annotated[list[Span1], Field(title="Spans")]
    value: Annotated[float, Field(title="Value")]


class Channel(StrEnum):
    email = "email"
    chat = "chat"
    phone = "phone"
    web = "web"
    social = "social"


class Language(RootModel[str]):
    root: Annotated[
        str,
        Field(
            description="Audit attribute (BCP 47 tag); not a model input.",
            max_length=35,
            pattern="^[^\\x00]*$",
            title="Language",
        ),
    ] = None


class TicketId(RootModel[str]):
    root: Annotated[str, Field(max_length=200, pattern="^[^\\x00]*$", title="Ticket Id")] = None


class TicketIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    body: Annotated[str | None, Field(max_length=20000, pattern="^[^\\x00]*$", title="Body")] = ""
    channel: Annotated[
        Channel | None,
        Field(description="Not given: read at the baseline.", title="Channel"),
    ] = None
    customer: CustomerIn | None = None
    language: Annotated[
        Language | None,
        Field(
            description="Audit attribute (BCP 47 tag); not a model input.",
            title="Language",
        ),
    ] = None
    prefer_person: Annotated[
        bool | None,
        Field(
            description="The customer wants a person, not a model, to decide.",
            title="Prefer Person",
        ),
    ] = False
    subject: Annotated[
        str | None, Field(max_length=20000, pattern="^[^\\x00]*$", title="Subject")
    ] = ""
    ticket_id: Annotated[TicketId | None, Field(title="Ticket Id")] = None


class TicketOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    body: Annotated[str, Field(title="Body")]
    channel: Annotated[
        Channel | None,
        Field(description="Null: not given (read at the baseline).", title="Channel"),
    ] = None
    customer: CustomerOut
    language: Annotated[str | None, Field(title="Language")] = None
    prefer_person: Annotated[
        bool | None,
        Field(description="The customer asked for a person.", title="Prefer Person"),
    ] = False
    subject: Annotated[str, Field(title="Subject")]
    ticket_id: Annotated[str | None, Field(title="Ticket Id")] = None


class BatchItem(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    idempotency_key: Annotated[IdempotencyKey | None, Field(title="Idempotency Key")] = None
    ticket: TicketIn


class CustomerView(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    counterfactual: Counterfactual | None = None
    defaulted: Annotated[
        list[str] | None,
        Field(
            description="Models that chose what they choose for an empty message.",
            title="Defaulted",
        ),
    ] = None
    language: Annotated[
        str | None,
        Field(
            description="The language of this wording, shown at decision time (en, de).",
            title="Language",
        ),
    ] = "en"
    notice: Annotated[str, Field(title="Notice")]
    reason_details: Annotated[
        list[QuotedReason | AccountReason] | None, Field(title="Reason Details")
    ] = None
    reasons: Annotated[
        list[str],
        Field(
            description="The reasons' sentences, in order (derived from ``reason_details``).",
            title="Reasons",
        ),
    ]
    summary: Annotated[str, Field(title="Summary")]


class Explanation(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    additivity_error: Annotated[float, Field(title="Additivity Error")]
    attributions: Annotated[
        list[Annotated[TextAttribution | AccountAttribution, Field(discriminator="kind")]],
        Field(title="Attributions"),
    ]
    base_value: Annotated[float, Field(title="Base Value")]
    baseline: Annotated[str, Field(title="Baseline")]
    baseline_fields: Annotated[dict[str, Any] | None, Field(title="Baseline Fields")] = None
    contrast: Annotated[str | None, Field(title="Contrast")]
    method: Annotated[str, Field(title="Method")]
    output_space: Annotated[str, Field(title="Output Space")]
    output_value: Annotated[float, Field(title="Output Value")]


class ModelDecision(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    confidence: Annotated[float, Field(ge=0.0, le=1.0, title="Confidence")]
    display: Annotated[str, Field(title="Display")]
    explanation: Explanation
    label: Annotated[str, Field(title="Label")]
    model: ModelRef
    probabilities: Annotated[dict[str, float] | None, Field(title="Probabilities")] = None
    queue: Annotated[str | None, Field(title="Queue")] = None
    response_time: Annotated[str | None, Field(title="Response Time")] = None


class Decision(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    created_at: Annotated[str, Field(title="Created At")]
    customer: CustomerView
    erased: Annotated[
        bool | None,
        Field(description="The customer's personal data was erased.", title="Erased"),
    ] = False
    handoff: Handoff | None = None
    id: Annotated[str | None, Field(title="Id")] = None
    intent: ModelDecision | None = None
    links: Links | None = None
    priority: ModelDecision | None = None
    receipt: Annotated[Receipt | None, Field(description="Null in a preview.")] = None
    template_version: Annotated[str | None, Field(title="Template Version")] = None
    ticket: TicketOut


class BatchResult(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    decision: Decision | None = None
    index: Annotated[int, Field(title="Index")]
    problem: Annotated[dict[str, Any] | None, Field(title="Problem")] = None
    status: Annotated[int, Field(title="Status")]


class BatchOut(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
    )
    results: Annotated[list[BatchResult], Field(title="Results")]
