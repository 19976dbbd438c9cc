"""The OpenAPI 3.1 document, generated from the pydantic models that validate requests.

Request bodies come from :class:`explainer.schemas.TicketIn`; responses from the
decision types of :mod:`explainer.decision`, which spell out SPEC section 3. Served
at ``GET /api/openapi.json``.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any, Literal

from flask import Blueprint, Response, current_app, jsonify
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import models_json_schema

from explainer.decision import Decision
from explainer.schemas import MAX_TEXT, TicketIn
from explainer.web.api.batch import BatchIn, BatchItem, BatchOut
from explainer.web.api.log_docs import LOG_MODELS, log_paths

__all__ = ["Problem", "bp", "build_document"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


bp = Blueprint("openapi", __name__)
_REF = "#/components/schemas/{model}"


class FieldError(BaseModel):
    """One validation error."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(_Open):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None


class ModelList(BaseModel):
    """The cards of the models in service."""

    models: list[dict[str, Any]]


class Liveness(_Open):
    """The process is alive."""

    status: Literal["ok"]


class Readiness(_Open):
    """Readiness checks."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, bool]


_ERRORS = {
    "400": "The body is not valid JSON.",
    "401": "No API key, or an unknown or revoked one.",
    "403": "The key lacks the scope this operation needs.",
    "404": "Nothing here (or not yours to see).",
    "409": "The Idempotency-Key was used before with a different body.",
    "413": "The request body is larger than the server accepts.",
    "415": "The body is not application/json.",
    "422": f"The input failed validation (e.g. text over {MAX_TEXT:,} characters).",
    "503": "No models are loaded.",
}


@bp.get("/api/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI document (public)."""
    doc = current_app.extensions.get("explainer.openapi")
    if doc is None:
        doc = current_app.extensions["explainer.openapi"] = build_document()
    return jsonify(doc)


def build_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Explainer API",
            "version": version("explainer"),
            "description": "Explained, auditable ticket triage. Errors are "
            "application/problem+json (RFC 9457).",
        },
        "paths": {**_paths(), **log_paths(_json, _ref("Problem"))},
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _schemas() -> dict[str, Any]:
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (TicketIn, "validation"),
        (Decision, "serialization"),
        (Problem, "serialization"),
        (ModelList, "serialization"),
        (Readiness, "serialization"),
        (Liveness, "serialization"),
        (BatchItem, "validation"),
        (BatchIn, "validation"),
        (BatchOut, "serialization"),
        *((m, "serialization") for m in LOG_MODELS),
    ]
    _, top = models_json_schema(models, ref_template=_REF)
    schemas: dict[str, Any] = top["$defs"]
    schemas["Proof"] = {"type": "object", "description": "An RFC 6962 inclusion proof."}
    # Items are checked one by one: the request takes any objects, and each that is not a
    # BatchItem gets its own 422 in the results (so the request itself is not refused).
    schemas["BatchIn"]["properties"]["items"]["items"] = {
        "type": "object",
        "description": "A BatchItem (#/components/schemas/BatchItem), validated on its own.",
    }
    return schemas


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


def _json(name: str, description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _ref(name)}},
    }
    if headers:
        out["headers"] = headers
    return out


def _problems(*codes: str) -> dict[str, Any]:
    return {
        code: {
            "description": _ERRORS[code],
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        }
        for code in codes
    }


def _operation(
    op_id: str, summary: str, ok: dict[str, Any], errors: tuple[str, ...], **extra: Any
) -> dict[str, Any]:
    return {
        "operationId": op_id,
        "summary": summary,
        "security": [{"bearer": []}],
        "responses": {**ok, **_problems(*errors)},
        **extra,
    }


_BODY = {
    "required": True,
    "content": {"application/json": {"schema": _ref("TicketIn")}},
}
_ID = {
    "name": "decision_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,100}$"},
}
_IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes retries safe: the same key and body return the stored decision.",
    "schema": {"type": "string", "pattern": "^[!-~]{1,200}$"},
}
_WRITE_ERRORS = ("400", "401", "403", "409", "413", "415", "422", "503")
_READ_ERRORS = ("400", "401", "403", "404", "409", "413", "415", "422")


def _paths() -> dict[str, Any]:
    location = {"Location": {"schema": {"type": "string"}, "required": True}}
    replayed = {"Idempotent-Replayed": {"schema": {"type": "string", "enum": ["true"]}}}
    return {
        "/api/v1/decisions": {
            "post": _operation(
                "createDecision",
                "Classify, explain and store a ticket.",
                {
                    "201": _json("Decision", "Stored.", location),
                    "200": _json("Decision", "An idempotent replay.", {**location, **replayed}),
                },
                _WRITE_ERRORS,
                parameters=[_IDEMPOTENCY],
                requestBody=_BODY,
            )
        },
        "/api/v1/decisions:batch": {
            "post": _operation(
                "createDecisions",
                "Up to 100 tickets, each decided and stored on its own with its own "
                "idempotency_key; one result or problem per ticket, in order.",
                {"200": _json("BatchOut", "One result per item.")},
                _WRITE_ERRORS,
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("BatchIn")}},
                },
            )
        },
        "/api/v1/explain": {
            "post": _operation(
                "explain",
                "Classify and explain without storing (a preview).",
                {"200": _json("Decision", "The preview; id and links are null.")},
                _WRITE_ERRORS,
                requestBody=_BODY,
            )
        },
        "/api/v1/decisions/{decision_id}": {
            "get": _operation(
                "getDecision",
                "A stored decision.",
                {"200": _json("Decision", "The decision.")},
                _READ_ERRORS,
                parameters=[_ID],
            )
        },
        "/api/v1/decisions/{decision_id}/proof": {
            "get": _operation(
                "getProof",
                "The decision's inclusion proof in the tamper-evident log.",
                {"200": _json("Proof", "The proof.")},
                _READ_ERRORS,
                parameters=[_ID],
            )
        },
        "/api/v1/models": {
            "get": _operation(
                "listModels",
                "The cards of the models in service.",
                {"200": _json("ModelList", "Model cards.")},
                _READ_ERRORS,
            )
        },
        "/healthz": {
            "get": {
                "operationId": "liveness",
                "summary": "The process answers (no database is touched).",
                "security": [],
                "responses": {"200": _json("Liveness", "Alive.")},
            }
        },
        "/readyz": {
            "get": {
                "operationId": "readiness",
                "summary": "A one-row write commits within 250 ms and models are loaded.",
                "security": [],
                "responses": {
                    "200": _json("Readiness", "Ready."),
                    "503": _json("Readiness", "Not ready."),
                },
            }
        },
        "/metrics": {
            "get": _operation(
                "metrics",
                "Prometheus metrics of the worker that answers; a key with metrics:read "
                "(a scraper's bearer_token).",
                {
                    "200": {
                        "description": "Prometheus text exposition format.",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
                ("401", "403"),
            )
        },
    }
