"""The OpenAPI document, and schemathesis driving the real app against it."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from web_helpers import Keys, ticket

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture
def api_schema(app: Flask) -> Any:
    """The document as schemathesis loads it from the running WSGI app."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_document_is_public_openapi_31(client: FlaskClient) -> None:
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.get_json()
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    schemas = doc["components"]["schemas"]
    assert schemas["TicketIn"]["additionalProperties"] is False
    assert schemas["TicketIn"]["properties"]["body"]["maxLength"] == 20_000
    for path, item in doc["paths"].items():
        for op in item.values():
            if path.startswith("/api/v1/log"):  # public reads: no key, no body
                assert op["security"] == [] and "422" in op["responses"], path
            elif path.startswith("/api/v1"):
                codes = set(op["responses"])
                assert {"400", "401", "403", "413", "415", "422"} <= codes, path
                problem = op["responses"]["401"]["content"]["application/problem+json"]
                assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_responses_validate_against_the_document(
    api_schema: Any, client: FlaskClient, keys: Keys
) -> None:
    # A hand-made decision checked with the same validator schemathesis uses.
    created = client.post("/api/v1/decisions", json=ticket(), headers=keys.both)
    operation = api_schema["/api/v1/decisions"]["POST"]
    operation.validate_response(created)
    preview = client.post("/api/v1/explain", json=ticket(), headers=keys.both)
    api_schema["/api/v1/explain"]["POST"].validate_response(preview)
    problem = client.post("/api/v1/explain", json=ticket(channel="fax"), headers=keys.both)
    api_schema["/api/v1/explain"]["POST"].validate_response(problem)


# schemathesis.pytest.from_fixture trips over pytest 9 (Function._nodeid is gone), so each
# operation gets its own Hypothesis test here, run against the parametrised database.
# The fast suite fuzzes each operation lightly; the deep run is an attack trial, run in
# the slow stage.
EXAMPLES = [
    pytest.param(25, id="quick"),
    pytest.param(100, id="deep", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("examples", EXAMPLES)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_document(
    api_schema: Any, keys: Keys, mode: GenerationMode, examples: int
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 12
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not _has_inputs(operation):
            continue  # nothing to make invalid
        statuses = _fuzz(operation, mode, keys.admin, examples)
        if mode is GenerationMode.POSITIVE and operation.method.upper() == "POST":
            assert any(200 <= s < 300 for s in statuses), operation.label  # not all refused


def _has_inputs(operation: Any) -> bool:
    parts = (operation.path_parameters, operation.headers, operation.query, operation.body)
    return any(len(part) for part in parts)


def _fuzz(
    operation: Any, mode: GenerationMode, headers: dict[str, str], examples: int
) -> list[int]:
    statuses: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def run(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses.append(response.status_code)

    run()
    return statuses
