"""``POST /api/v1/decisions:batch``: up to 100 tickets, each with its own result or problem.

Each item is validated, decided and stored on its own, exactly as a single
``POST /api/v1/decisions`` would be (its own ``idempotency_key``, its own transaction),
so one bad or unlucky ticket never costs the others. The answer is 200 with one result
per item, in order: ``status`` 201/200 with the decision, or the problem it met.
"""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from explainer.decision import Decision
from explainer.errors import ExplainerError, ValidationFailed
from explainer.schemas import TicketIn
from explainer.web.api.auth import require_scope
from explainer.web.api.body import IDEMPOTENCY_KEY, read_json
from explainer.web.context import service
from explainer.web.metrics import record_decision
from explainer.web.problems import field_errors, problem_body

__all__ = ["MAX_ITEMS", "BatchIn", "BatchItem", "BatchOut", "BatchResult", "register"]

MAX_ITEMS = 100


class BatchItem(BaseModel):
    """One ticket of a batch, with the key that makes retrying it safe."""

    model_config = ConfigDict(extra="forbid")

    idempotency_key: Annotated[str, Field(pattern=f"^{IDEMPOTENCY_KEY.pattern}$")] | None = None
    ticket: TicketIn


class BatchIn(BaseModel):
    """The request: 1 to 100 items (each validated on its own)."""

    model_config = ConfigDict(extra="forbid")

    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_ITEMS)


class BatchResult(BaseModel):
    """One item's outcome: the decision (201 stored, 200 replayed) or a problem."""

    index: int
    status: int
    decision: Decision | None = None
    problem: dict[str, Any] | None = None


class BatchOut(BaseModel):
    """One result per item, in the order sent."""

    results: list[BatchResult]


def register(bp: Blueprint) -> None:
    """Add the batch route to the API blueprint."""
    bp.add_url_rule("/decisions:batch", "create_batch", create_batch, methods=["POST"])


@require_scope("decisions:write")
def create_batch() -> Response:
    """Decide and store up to 100 tickets; 200 with a result or problem per ticket."""
    try:
        batch = BatchIn.model_validate(read_json())
    except ValidationError as exc:
        raise ValidationFailed("the batch failed validation", errors=field_errors(exc)) from None
    service().spend(g.api_key.id, len(batch.items) - 1)  # a ticket each; one was counted
    results = [_one(i, raw) for i, raw in enumerate(batch.items)]
    return jsonify(BatchOut(results=results).model_dump(mode="json"))


def _one(index: int, raw: dict[str, Any]) -> BatchResult:
    try:
        item = BatchItem.model_validate(raw)
    except ValidationError as exc:
        failed = ValidationFailed("this item failed validation", errors=field_errors(exc))
        return _problem(index, failed)
    try:
        decision, created = service().create(
            item.ticket, idempotency_key=item.idempotency_key, api_key_id=g.api_key.id
        )
    except ExplainerError as exc:
        return _problem(index, exc)
    if created:
        record_decision(decision)
    return BatchResult(index=index, status=201 if created else 200, decision=decision)


def _problem(index: int, exc: ExplainerError) -> BatchResult:
    extra = {k: v for k, v in exc.extra.items() if k == "errors"}
    body = problem_body(exc.status, exc.type_slug, exc.title, exc.detail, **extra)
    body["instance"] = f"{request.path}#/items/{index}"
    return BatchResult(index=index, status=exc.status, problem=body)
