"""Ticket and decision builders shared by the store tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, inspect, select

from explainer.decision import Decision
from explainer.explain.decide import Decider
from explainer.schemas import TicketIn
from explainer.store.tables import metadata
from explainer.training import corpus


def ticket(row: dict[str, Any], **override: Any) -> TicketIn:
    """A TicketIn from a demo-corpus row (with optional text overrides)."""
    fields = {
        "ticket_id": row["ticket_id"],
        "subject": row["subject"],
        "body": row["body"],
        "channel": row["channel"],
        "language": row["language"],
        "customer": {
            "id": row["customer_id"],
            "name": row["customer_name"],
            "email": row["customer_email"],
            "plan": row["plan"],
            "account_age_days": row["account_age_days"],
            "open_tickets": row["open_tickets"],
            "region": row["region"],
        },
    }
    fields.update(override)
    return TicketIn.model_validate(fields)


def decisions(decider: Decider, n: int, seed: int = 7) -> list[Decision]:
    """``n`` real decisions over generated tickets."""
    return [decider.decide(ticket(t.row)) for t in corpus.generate(n, seed)]


def dump_all(engine: Engine) -> str:
    """Every row of every table (including Alembic's) as one text blob."""
    names = inspect(engine).get_table_names()
    out: list[str] = []
    with engine.connect() as conn:
        for name in names:
            table = metadata.tables.get(name)
            if table is None:
                continue
            out.extend(repr(tuple(r)) for r in conn.execute(select(table)))
    return "\n".join(out)


class StoreSource:
    """The store as a witness reads it (what ``explainer audit witness`` uses)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def public(self) -> dict[str, Any]:
        return dict(self.store.log.public())

    def consistency(self, first: int, second: int) -> list[str]:
        return list(self.store.log.consistency(first, second))
