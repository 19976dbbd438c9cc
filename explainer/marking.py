"""The marking of personal data in a type, and the walk that finds it.

A field annotated with :class:`Personal` holds a customer's data. Everything that must
treat personal data differently (redaction at rest, the public/erasable split, erasure,
the retention purge, the subject export) finds it with :func:`personal_fields`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args, get_origin

from pydantic import BaseModel

__all__ = ["ERASED", "Personal", "PersonalField", "marked_fields", "personal_fields"]

ERASED = "[erased]"


@dataclass(frozen=True)
class Personal:
    """Field metadata: the value is the customer's personal data.

    ``erased`` is what stands in its place in the public document and after erasure.
    ``typed`` marks free text a person typed: it is redacted before it is stored.
    """

    erased: Any = ERASED
    typed: bool = False


PersonalField = tuple[tuple[str | int, ...], Any, Personal]


def personal_fields(model: BaseModel, path: tuple[str | int, ...] = ()) -> Iterator[PersonalField]:
    """Every personal value in ``model``: ``(path, value, marking)``, in field order.

    Paths use the JSON names, so they address the serialised document as well.
    """
    for name, mark in marked_fields(type(model)):
        value = getattr(model, name)
        if mark is not None:
            yield (*path, name), value, mark
        elif isinstance(value, BaseModel):
            yield from personal_fields(value, (*path, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from personal_fields(item, (*path, name, i))


@cache
def marked_fields(cls: type[BaseModel]) -> tuple[tuple[str, Personal | None], ...]:
    """The fields of ``cls`` a walk for personal data must visit, with their marking
    (None: the field's type can hold marked fields further down)."""
    # The walk runs on every stored decision: visiting only these (instead of every field
    # of every attribution) is most of what it saves.
    plan = []
    for name, info in cls.model_fields.items():
        mark = next((m for m in info.metadata if isinstance(m, Personal)), None)
        if mark is not None or _may_hold(info.annotation, frozenset({cls})):
            plan.append((name, mark))
    return tuple(plan)


def _may_hold(annotation: Any, seen: frozenset[type]) -> bool:
    """Whether a value of this type can contain a marked field (``Any`` can)."""
    if annotation is Any:
        return True
    if get_origin(annotation) is dict:  # the walk never looks inside a mapping
        return False
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return True
        inner = seen | {annotation}
        return any(
            any(isinstance(m, Personal) for m in info.metadata) or _may_hold(info.annotation, inner)
            for info in annotation.model_fields.values()
        )
    return any(_may_hold(arg, seen) for arg in get_args(annotation))
