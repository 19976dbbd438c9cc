"""The public log's operations in the OpenAPI document (docs/log.md explains them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["LOG_MODELS", "log_paths"]


class LogInfo(BaseModel):
    """What anyone may know of the log."""

    log_id: str = Field(description="The origin every signed head and receipt names.")
    public_key: str = Field(description="The Ed25519 public key, base64 (32 bytes).")
    previous_keys: list[str] = Field(description="Retired public keys, still verified.")
    tree_size: int = Field(description="Records covered by the latest signed head.")
    checkpoint: str | None = Field(description="The latest head: a C2SP signed note.")


class LeafPage(BaseModel):
    """Leaf hashes from ``start`` on."""

    start: int
    leaf_hashes: list[str]


class ConsistencyProof(BaseModel):
    """RFC 6962 PROOF(first, second), hex, from the leaf upwards."""

    first: int
    second: int
    proof: list[str]


LOG_MODELS: list[type[BaseModel]] = [LogInfo, LeafPage, ConsistencyProof]


def _size(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": True,
        "description": description,
        "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    }


_PROBLEMS = {
    "404": "No such proof: second is past the log's size, or first is past second.",
    "422": "A size or index is missing, not a whole number, or out of range.",
    "503": "The store is unavailable for a moment (see Retry-After).",
}


def log_paths(json_answer: Any, problem_ref: dict[str, str]) -> dict[str, Any]:
    """The three public log operations; no key needed, no personal data in them."""
    problems = {
        code: {
            "description": text,
            "content": {"application/problem+json": {"schema": problem_ref}},
        }
        for code, text in _PROBLEMS.items()
    }

    def public(op_id: str, summary: str, model: str, *params: dict[str, Any]) -> dict[str, Any]:
        return {
            "get": {
                "operationId": op_id,
                "summary": summary,
                "security": [],
                "parameters": list(params),
                "responses": {"200": json_answer(model, "The answer."), **problems},
            }
        }

    return {
        "/api/v1/log": public(
            "getLog", "The log id, its public key and the latest signed head.", "LogInfo"
        ),
        "/api/v1/log/leaves": public(
            "getLogLeaves",
            "Leaf hashes start to end (exclusive): at most 1,000 per page, fewer past the "
            "end of the log, none when end <= start.",
            "LeafPage",
            _size("start", "The first index."),
            _size("end", "One past the last index."),
        ),
        "/api/v1/log/consistency": public(
            "getLogConsistency",
            "The consistency proof between two tree sizes (for witnesses).",
            "ConsistencyProof",
            _size("first", "The smaller tree size."),
            _size("second", "The larger tree size, at most the log's size."),
        ),
    }
