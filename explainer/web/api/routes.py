"""JSON API under ``/api/v1``: thin views over :class:`explainer.service.Service`."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request, url_for
from pydantic import ValidationError

from explainer.errors import ValidationFailed
from explainer.schemas import TicketIn
from explainer.web.api import batch
from explainer.web.api.auth import require_scope
from explainer.web.api.body import IDEMPOTENCY_KEY, read_json
from explainer.web.context import service
from explainer.web.metrics import record_decision
from explainer.web.problems import field_errors

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def _no_store(response: Response) -> Response:
    # Decisions quote customers' (redacted) messages: keep them out of shared caches.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.post("/decisions")
@require_scope("decisions:write")
def create_decision() -> Response:
    """Classify, explain and store one ticket; 201, or 200 on an idempotent replay."""
    key = _idempotency_key()
    ticket = _ticket()
    decision, created = service().create(ticket, idempotency_key=key, api_key_id=g.api_key.id)
    response = jsonify(decision.wire())
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.get_decision", decision_id=decision.id)
    if created:
        record_decision(decision)
    else:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.post("/explain")
@require_scope("decisions:write")
def explain() -> Response:
    """Classify and explain without storing (``id`` and ``links`` are null)."""
    return jsonify(service().preview(_ticket()).wire())


@bp.get("/decisions/<decision_id>")
@require_scope("decisions:read")
def get_decision(decision_id: str) -> Response:
    """A stored decision with both explanations and its customer link."""
    return jsonify(service().get(decision_id).wire())


@bp.get("/decisions/<decision_id>/proof")
@require_scope("decisions:read")
def get_proof(decision_id: str) -> Response:
    """The decision's inclusion proof in the tamper-evident log."""
    return jsonify(service().proof(decision_id))


@bp.get("/log")
def log() -> Response:
    """Public: the log id, its public key and the latest signed head (a C2SP checkpoint)."""
    return jsonify(service().log())


@bp.get("/log/leaves")
def log_leaves() -> Response:
    """Public: leaf hashes ``start`` to ``end`` (exclusive, at most 1,000), for verifiers."""
    start, end = _int_arg("start"), _int_arg("end")
    return jsonify({"start": start, "leaf_hashes": service().log_leaves(start, end)})


@bp.get("/log/consistency")
def log_consistency() -> Response:
    """Public: the RFC 6962 consistency proof between two tree sizes, for witnesses."""
    first, second = _int_arg("first"), _int_arg("second")
    proof = service().log_consistency(first, second)
    return jsonify({"first": first, "second": second, "proof": proof})


@bp.get("/models")
@require_scope("decisions:read")
def list_models() -> Response:
    """The model cards of the models in service."""
    return jsonify({"models": list(service().cards.values())})


def _ticket() -> TicketIn:
    try:
        return TicketIn.model_validate(read_json("the ticket"))
    except ValidationError as exc:
        raise ValidationFailed("the ticket failed validation", errors=field_errors(exc)) from None


_LARGEST = 2**31 - 1  # the log's indices are 32-bit integers on both databases


def _int_arg(name: str) -> int:
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdecimal() and len(raw) <= 10 and int(raw) <= _LARGEST):
        msg = f"must be a whole number from 0 to {_LARGEST}"
        error = {"loc": ["query", name], "msg": msg, "type": "int_parsing"}
        raise ValidationFailed(
            f"the query parameter {name} is missing or not a number", errors=[error]
        )
    return int(raw)


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        error = {
            "loc": ["header", "Idempotency-Key"],
            "msg": "must be 1 to 200 printable ASCII characters without spaces",
            "type": "idempotency_key",
        }
        raise ValidationFailed("the Idempotency-Key header is invalid", errors=[error])
    return key


batch.register(bp)
