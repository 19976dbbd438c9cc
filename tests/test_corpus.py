"""The demo corpus: deterministic, complete, held-out phrasings, personal data to redact."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from explainer.model.catalogue import DEMO_INTENTS, DEMO_PRIORITIES
from explainer.privacy.redaction import redact
from explainer.schemas import TicketIn
from explainer.training import corpus
from explainer.training.phrases import BODIES

SPEC_FIELDS = {
    "ticket_id",
    "subject",
    "body",
    "channel",
    "language",
    "customer_id",
    "customer_name",
    "customer_email",
    "plan",
    "account_age_days",
    "open_tickets",
    "region",
}


@pytest.fixture(scope="module")
def tickets() -> list[corpus.DemoTicket]:
    return corpus.generate()


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    a = [t.row for t in corpus.generate(300, seed=1)]
    assert a == [t.row for t in corpus.generate(300, seed=1)]
    b = [t.row for t in corpus.generate(300, seed=2)]
    assert a != b
    assert sum(x["body"] == y["body"] for x, y in zip(a, b, strict=True)) < 30


def test_default_size_and_labels(tickets: list[corpus.DemoTicket]) -> None:
    assert len(tickets) >= 20_000
    intents = Counter(t["intent"] for t in tickets)
    priorities = Counter(t["priority"] for t in tickets)
    assert len(intents) >= 10 and set(intents) == set(DEMO_INTENTS)
    assert set(priorities) == {"low", "normal", "high", "urgent"} == set(DEMO_PRIORITIES)
    assert min(priorities.values()) > 0.03 * len(tickets)  # every priority is learnable
    split = Counter(t["split"] for t in tickets)
    assert 0.15 < split["test"] / len(tickets) < 0.25


def test_every_spec_field_is_there_and_valid(tickets: list[corpus.DemoTicket]) -> None:
    assert set(corpus.CORPUS_COLUMNS) >= SPEC_FIELDS
    assert len({t["ticket_id"] for t in tickets}) == len(tickets)
    for t in tickets[:3_000]:
        assert set(t.row) == set(corpus.CORPUS_COLUMNS)
        TicketIn.model_validate(t.payload())
    assert len({t["language"] for t in tickets}) >= 4
    assert len({t["region"] for t in tickets}) >= 3


def test_held_out_split_uses_only_held_out_body_templates(
    tickets: list[corpus.DemoTicket],
) -> None:
    seen: dict[str, set[tuple[str, int]]] = {"train": set(), "test": set()}
    for t in tickets:
        intent, idx = str(t["template"]).split("/")
        held_out = int(idx) >= len(BODIES[intent]) - corpus.HELD_OUT
        assert held_out == (t["split"] == "test"), t["template"]
        seen[str(t["split"])].add((intent, int(idx)))
    assert not seen["train"] & seen["test"]
    assert {i for i, _ in seen["test"]} == set(DEMO_INTENTS)  # every intent is tested


def test_personal_data_is_planted_and_redacted(tickets: list[corpus.DemoTicket]) -> None:
    found: Counter[str] = Counter()
    sample = tickets[:4_000]
    planted_email = planted_name = 0
    for t in sample:
        name, email = str(t["customer_name"]), str(t["customer_email"])
        planted_email += email in str(t["body"])
        planted_name += name in str(t["body"])
        for text in (str(t["subject"]), str(t["body"])):
            r = redact(text, name=name, email=email)
            found.update(r.found)
            assert email not in r.text and name not in r.text
            assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", r.text), r.text
    assert planted_email > 0.1 * len(sample)
    assert planted_name > 0.2 * len(sample)
    for kind in ("email", "phone", "card", "iban", "ip", "name"):
        assert found[kind] > 0, f"no {kind} planted in the demo corpus"
