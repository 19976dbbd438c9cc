"""Split a decision into its public document and its erasable personal payload.

The public document is the decision as it reads after erasure: every personal
value (redacted text, customer id, quoted words and their spans, the wording that
quotes the customer) replaced by a placeholder. The payload lists those values by
path, so ``join(public, payload)`` gives back the original decision exactly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

__all__ = ["ERASED", "Path", "join", "split"]

ERASED = "[erased]"
Path = list[str | int]
_MODELS = ("intent", "priority")
# A text attribution's feature names the customer's own words (out-of-vocabulary
# words included), so it is as personal as its quoted display and its spans.
_QUOTED: tuple[str, ...] = ("feature", "display", "spans")


def split(decision: dict[str, Any]) -> tuple[dict[str, Any], list[list[Any]]]:
    """Return ``(public document, [[path, value], ...])`` for a decision."""
    public = _copy(decision)
    payload: list[list[Any]] = []
    for path in _personal_paths(decision):
        source, key = _get(decision, path[:-1]), path[-1]
        if isinstance(source, dict) and key in source:
            value = source[key]
            payload.append([path, value])
            _set(public, path, _placeholder(path, value))
    return public, payload


def join(
    public: dict[str, Any], payload: list[list[Any]] | None, *, in_place: bool = False
) -> dict[str, Any]:
    """Re-assemble a decision; without a payload, mark it ``erased``.

    ``in_place`` fills ``public`` itself (for a document just parsed, saving a copy).
    """
    decision = public if in_place else _copy(public)
    if payload is None:
        decision["erased"] = True
        return decision
    for path, value in payload:
        _set(decision, path, value)
    return decision


def _copy(doc: dict[str, Any]) -> dict[str, Any]:
    # Decisions are JSON documents: a JSON round trip copies them ~10x faster than deepcopy.
    copied: dict[str, Any] = json.loads(json.dumps(doc, ensure_ascii=False))
    return copied


def _personal_paths(d: dict[str, Any]) -> Iterator[Path]:
    ticket = d.get("ticket") or {}
    for key in ("ticket_id", "subject", "body"):
        if key in ticket:
            yield ["ticket", key]
    if "id" in (ticket.get("customer") or {}):
        yield ["ticket", "customer", "id"]
    for model in _MODELS:
        block = d.get(model) or {}
        for i, a in enumerate((block.get("explanation") or {}).get("attributions", [])):
            if a.get("kind") == "text":
                for key in _QUOTED:
                    yield [model, "explanation", "attributions", i, key]
    yield from _wording_paths(d.get("customer") or {})


def _wording_paths(c: dict[str, Any]) -> Iterator[Path]:
    for i, detail in enumerate(c.get("reason_details") or []):
        if "spans" in detail:  # a reason that quotes what the customer wrote
            for key in ("text", *_QUOTED):
                yield ["customer", "reason_details", i, key]
            if i < len(c.get("reasons") or []):
                yield ["customer", "reasons", i]
    cf = c.get("counterfactual")
    if cf:
        for key in ("removed", "quoted", "text"):
            if key in cf:
                yield ["customer", "counterfactual", key]


def _placeholder(path: Path, value: Any) -> Any:
    if path[-1] in ("subject", "body"):
        return ""
    if path[-1] in ("id", "ticket_id"):
        return None
    return [] if isinstance(value, list) else ERASED


def _get(doc: Any, path: Path) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _set(doc: Any, path: Path, value: Any) -> None:
    _get(doc, path[:-1])[path[-1]] = value
