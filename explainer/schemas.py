"""Boundary types: one source for request validation and the OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

__all__ = ["MAX_TEXT", "SCOPES", "Channel", "CustomerIn", "Plan", "TicketIn", "clean_text"]

# What an API key may do; "admin" implies the others.
SCOPES = ("decisions:write", "decisions:read", "admin")
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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    @field_validator("*", mode="after")
    @classmethod
    def _no_bad_chars(cls, value: Any) -> Any:
        return clean_text(value) if isinstance(value, str) else value


class CustomerIn(_Strict):
    """The customer behind a ticket. ``name`` and ``email`` only steer redaction."""

    id: ShortStr | None = Field(default=None, description="Your customer id (erasable).")
    name: ShortStr | None = Field(default=None, description="Used to redact; never stored.")
    email: ShortStr | None = Field(default=None, description="Used to redact; never stored.")
    plan: Plan = "free"
    account_age_days: int = Field(default=0, ge=0, le=1_000_000)
    open_tickets: int = Field(default=0, ge=0, le=1_000_000)
    region: ShortStr | None = Field(default=None, description="Audit attribute; not a model input.")


class TicketIn(_Strict):
    """A support ticket as SPEC section 1 describes it."""

    ticket_id: ShortStr | None = None
    subject: str = Field(default="", max_length=MAX_TEXT)
    body: str = Field(default="", max_length=MAX_TEXT)
    channel: Channel = "email"
    language: Annotated[str, StringConstraints(max_length=35)] | None = Field(
        default=None, description="Audit attribute (BCP 47 tag); not a model input."
    )
    customer: CustomerIn = Field(default_factory=CustomerIn)

    @model_validator(mode="after")
    def _some_text(self) -> TicketIn:
        if not self.subject.strip() and not self.body.strip():
            raise ValueError("subject and body are both empty; at least one needs text")
        return self

    def account_fields(self) -> dict[str, Any]:
        """The account values the models may read."""
        c = self.customer
        return {
            "channel": self.channel,
            "plan": c.plan,
            "account_age_days": c.account_age_days,
            "open_tickets": c.open_tickets,
        }
