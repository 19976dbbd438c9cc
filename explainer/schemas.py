"""Boundary types: one source for request validation and the OpenAPI document."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict

__all__ = ["MAX_TEXT", "SCOPES", "Channel", "CustomerIn", "Plan", "TicketIn", "clean_text"]

# What an API key may do; "admin" implies the others. "metrics:read" is for a Prometheus
# scraper (its bearer_token), so the metrics are not public.
SCOPES = ("decisions:write", "decisions:read", "metrics:read", "admin")
MAX_TEXT = 20_000  # characters per field; documented in the API and the README
Channel = Literal["email", "chat", "phone", "web", "social"]
Plan = Literal["free", "pro", "business", "enterprise"]
ShortStr = Annotated[str, StringConstraints(max_length=200)]


def clean_text(value: str) -> str:
    """Reject text PostgreSQL cannot store: NUL bytes and lone surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain NUL bytes")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must not contain lone surrogate code points") from exc
    return value


# What clean_text refuses, said in the OpenAPI document for every free-text field (lone
# surrogates are not Unicode scalar values, so a JSON Schema string never holds one).
_NO_NUL = "^[^\\x00]*$"


def _document_text_rules(schema: JsonDict) -> None:
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for prop in properties.values():
        if not isinstance(prop, dict):
            continue
        branches = prop.get("anyOf", [prop])
        for branch in branches if isinstance(branches, list) else []:
            if not isinstance(branch, dict) or branch.get("type") != "string":
                continue
            if not {"pattern", "enum", "const"} & branch.keys():
                branch["pattern"] = _NO_NUL


class _Strict(BaseModel):
    # strict: a JSON true, "5" or 5.5 is not an integer, and nothing is coerced.
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=False,
        strict=True,
        json_schema_extra=_document_text_rules,
    )

    @field_validator("*", mode="after")
    @classmethod
    def _no_bad_chars(cls, value: Any) -> Any:
        return clean_text(value) if isinstance(value, str) else value


def _json_integer(value: Any) -> Any:
    """JSON's integers: 5, and 5.0 or 5e0 (the same number in JSON's data model, and an
    integer to JSON Schema); never true, "5" or 5.5, which strict validation refuses."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A count from a JSON body: an integer as JSON Schema defines one, nothing coerced.
Count = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(_json_integer)]


class CustomerIn(_Strict):
    """The customer behind a ticket. ``name`` and ``email`` only steer redaction."""

    id: ShortStr | None = Field(default=None, description="Your customer id (erasable).")
    name: ShortStr | None = Field(default=None, description="Used to redact; never stored.")
    email: ShortStr | None = Field(default=None, description="Used to redact; never stored.")
    plan: Plan | None = Field(default=None, description="Not given: read at the baseline.")
    account_age_days: Count | None = Field(default=None, description="Not given: baseline.")
    open_tickets: Count | None = Field(default=None, description="Not given: baseline.")
    region: ShortStr | None = Field(default=None, description="Audit attribute; not a model input.")


# "Has text": a character outside both Python's and JSON Schema's (ECMA-262) whitespace,
# one class for the check and for the OpenAPI document, so the two always agree.
_BLANK = (
    "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
HAS_TEXT = f"[^{_BLANK}]"
_HAS_TEXT = re.compile(HAS_TEXT)


def _document_ticket_rules(schema: JsonDict) -> None:
    _document_text_rules(schema)
    schema["anyOf"] = [
        {"required": [field], "properties": {field: {"type": "string", "pattern": HAS_TEXT}}}
        for field in ("subject", "body")
    ]


class TicketIn(_Strict):
    """A support ticket as SPEC section 1 describes it."""

    model_config = ConfigDict(json_schema_extra=_document_ticket_rules)

    ticket_id: ShortStr | None = None
    subject: str = Field(default="", max_length=MAX_TEXT)
    body: str = Field(default="", max_length=MAX_TEXT)
    channel: Channel | None = Field(default=None, description="Not given: read at the baseline.")
    language: Annotated[str, StringConstraints(max_length=35)] | None = Field(
        default=None, description="Audit attribute (BCP 47 tag); not a model input."
    )
    customer: CustomerIn = Field(default_factory=CustomerIn)
    prefer_person: bool = Field(
        default=False, description="The customer wants a person, not a model, to decide."
    )

    @model_validator(mode="after")
    def _some_text(self) -> TicketIn:
        if not (_HAS_TEXT.search(self.subject) or _HAS_TEXT.search(self.body)):
            raise ValueError("subject and body are both empty; at least one needs text")
        return self

    def account_fields(self) -> dict[str, Any]:
        """The account values the customer gave (a field not given is left out)."""
        c = self.customer
        given = {
            "channel": self.channel,
            "plan": c.plan,
            "account_age_days": c.account_age_days,
            "open_tickets": c.open_tickets,
        }
        return {k: v for k, v in given.items() if v is not None}
