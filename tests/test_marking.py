"""The walk for personal data visits only fields whose type can hold a marking: it must
find exactly what a walk over every field finds, and the split must take exactly those."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from explainer.decision import Decision, TicketOut, personal_fields
from explainer.explain.decide import Decider
from explainer.marking import Personal, PersonalField, marked_fields
from explainer.privacy import personal
from explainer.schemas import TicketIn
from explainer.training import corpus


def _every_field(model: BaseModel, path: tuple[str | int, ...] = ()) -> Iterator[PersonalField]:
    # The walk as first written: every field of every model, no plan.
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        mark = next((m for m in info.metadata if isinstance(m, Personal)), None)
        if mark is not None:
            yield (*path, name), value, mark
        elif isinstance(value, BaseModel):
            yield from _every_field(value, (*path, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _every_field(item, (*path, name, i))


def _split_by_lookup(decision: Decision) -> tuple[dict[str, Any], list[list[Any]]]:
    # The split as first written: look every path up again from the root.
    public = decision.model_dump(mode="json", exclude=personal._NOT_STORED)
    payload = []
    for path, _, mark in _every_field(decision):
        target: Any = public
        for step in path[:-1]:
            target = target[step]
        payload.append([list(path), target[path[-1]]])
        target[path[-1]] = copy.copy(mark.erased)
    return public, payload


@pytest.fixture(scope="module")
def decisions(decider: Decider) -> list[Decision]:
    tickets = [TicketIn.model_validate(t.payload()) for t in corpus.generate(120, seed=77)]
    tickets.append(
        TicketIn.model_validate({"subject": "", "body": "I want a person", "ticket_id": "T-1"})
    )
    return [decider.decide(t) for t in tickets]


def test_the_planned_walk_finds_what_the_full_walk_finds(decisions: list[Decision]) -> None:
    kinds = set()
    for d in decisions:
        assert list(personal_fields(d)) == list(_every_field(d))
        kinds |= {type(a).__name__ for _, b in d.models() for a in b.explanation.attributions}
    assert kinds == {"TextAttribution", "AccountAttribution"}  # both kinds were walked


def test_the_split_takes_exactly_the_marked_values(decisions: list[Decision]) -> None:
    for d in decisions:
        assert personal.split(d) == _split_by_lookup(d)
        public, payload = personal.split(d)
        assert personal.join(public, payload) == d.model_copy(update={"links": None})


def test_the_plan_skips_only_fields_that_cannot_hold_a_marking() -> None:
    names = {name for name, _ in marked_fields(Decision)}
    assert names == {"ticket", "intent", "priority", "customer", "handoff"}
    assert dict(marked_fields(TicketOut))["subject"] is not None


def test_no_two_documents_share_a_stand_in(decisions: list[Decision]) -> None:
    # List stand-ins come from a cached plan: each document must get its own copy.
    first, _ = personal.split(decisions[0])
    second, _ = personal.split(decisions[1])
    spans = first["intent"]["explanation"]["attributions"][0]["spans"]
    assert spans == []
    spans.append({"start": 0, "end": 1})
    assert second["intent"]["explanation"]["attributions"][0]["spans"] == []
    assert first["intent"]["explanation"]["attributions"][1]["spans"] == []
