"""Split a decision into its public document and its erasable personal payload.

What is personal comes from the type (:func:`explainer.decision.personal_fields`), never
from a list kept here. The public document is the decision as it reads after erasure:
each personal value replaced by its marking's stand-in. The payload lists those values
by path, so ``join(public, payload)`` gives back the original decision exactly.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import BaseModel

from explainer.decision import Decision, marked_fields, personal_fields
from explainer.privacy.redaction import redact

__all__ = ["fill", "join", "redacted", "split", "split_record"]

Path = list[str | int]
# Derived or per-answer parts that are never stored: links and receipts are signed on the
# way out, ``reasons`` is computed from ``reason_details``, ``erased`` is known from the payload.
_NOT_STORED: Any = {
    "links": True,
    "receipt": True,
    "erased": True,
    "customer": {"reasons": True},
}


def split(decision: Decision) -> tuple[dict[str, Any], list[list[Any]]]:
    """Return ``(public document, [[path, value], ...])`` for a decision."""
    public = decision.model_dump(mode="json", exclude=_NOT_STORED)
    payload: list[list[Any]] = []
    _take(decision, public, [], payload)
    return public, payload


def _take(model: BaseModel, doc: dict[str, Any], path: Path, payload: list[list[Any]]) -> None:
    # The same walk as personal_fields, on the dumped document alongside the model: each
    # value is moved out where it stands instead of being looked up again from the root
    # (a decision holds about two hundred of them, most in its attributions).
    for name, marked, stand_in in _plan(type(model)):
        if name not in doc:  # not stored (see _NOT_STORED)
            continue
        if marked:
            payload.append([[*path, name], doc[name]])
            doc[name] = stand_in() if callable(stand_in) else stand_in
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            _take(value, doc[name], [*path, name], payload)
        elif isinstance(value, list):
            items = doc[name]
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _take(item, items[i], [*path, name, i], payload)


@cache
def _plan(cls: type[BaseModel]) -> tuple[tuple[str, bool, Any], ...]:
    """``cls``'s fields to visit: (name, marked, stand-in), in field order.

    A stand-in that is a list or a dict is given as its copier, so no two documents share
    one (a walk over a document must not reach into another's).
    """
    return tuple(
        (name, False, None)
        if mark is None
        else (
            name,
            True,
            copy.copy(mark.erased).copy if isinstance(mark.erased, (list, dict)) else mark.erased,
        )
        for name, mark in marked_fields(cls)
    )


def redacted(record: BaseModel) -> BaseModel:
    """A copy of a person's record with every typed personal text redacted.

    Whatever text field a record type marks ``typed`` goes through the one redactor, so a
    new free-text field is covered by being marked, not by remembering to call anything.
    """
    changes = {
        str(path[0]): redact(value).text
        for path, value, mark in personal_fields(record)
        if mark.typed and isinstance(value, str) and len(path) == 1
    }
    return record.model_copy(update=changes) if changes else record


def split_record(record: BaseModel) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A person's record as ``(table row, erasable payload or None)``, by the marking."""
    marked = {str(path[0]): value for path, value, _ in personal_fields(record)}
    row = record.model_dump(exclude=set(marked))
    held = {name: value for name, value in marked.items() if value is not None}
    return row, held or None


def fill(public: dict[str, Any], payload: list[list[Any]] | None) -> dict[str, Any]:
    """The stored document with its payload put back, in place (``erased`` without one).

    For readers that need a few fields of many decisions; :func:`join` gives the type.
    """
    if payload is None:
        public["erased"] = True
    else:
        for path, value in payload:
            _set(public, path, value)
    public.pop("links", None)
    return public


def join(public: dict[str, Any], payload: list[list[Any]] | None) -> Decision:
    """Re-assemble a stored decision (``public`` is a document just parsed, filled in place)."""
    return Decision.model_validate(fill(public, payload))


def _get(doc: Any, path: Path) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _set(doc: Any, path: Path, value: Any) -> None:
    _get(doc, path[:-1])[path[-1]] = value
