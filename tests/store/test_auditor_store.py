"""Revision 0002: the console's tables match the code, its records are append-only log
leaves, and erasing a customer takes a reviewer's note with it."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from explainer.store import Store
from explainer.store.accounts import Accounts
from explainer.store.engine import make_engine, migrate
from explainer.store.resolutions import resolutions_for, resolve, reviews_with_outcomes
from explainer.store.tables import account_events, drop_triggers_sql, metadata, review_resolutions

_OURS = {"users", "sessions", "login_attempts", "account_events", "review_resolutions"}


def _ours(diff: Any) -> bool:
    if isinstance(diff, list):
        return any(_ours(d) for d in diff)
    kind, obj = diff[0], diff[1] if len(diff) > 1 else None
    if kind in ("add_table", "remove_table"):
        return obj.name in _OURS
    table = diff[2] if kind.startswith("modify_") else getattr(obj, "table", None)
    return getattr(table, "name", table) in _OURS


def test_revision_0002_matches_the_code(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        migrate(engine)  # a second run is a no-op
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert [d for d in diff if _ours(d)] == []


def test_downgrade_to_0001_and_back(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from explainer.store.engine import MIGRATIONS, writing

    engine = make_engine(db_url)
    try:
        migrate(engine)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with writing(engine) as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
        migrate(engine)
    finally:
        engine.dispose()


def _decision(store: Store, decider: Any) -> dict[str, Any]:
    from explainer.schemas import TicketIn

    ticket = TicketIn.model_validate(
        {"subject": "Refund please", "body": "charged twice", "customer": {"id": "C-5"}}
    )
    saved, _ = store.save_decision(decider.decide(ticket))
    return saved


def test_console_records_are_append_only_leaves(store: Store, decider: Any) -> None:
    saved = _decision(store, decider)
    Accounts(store).create_user("ann", "a long password", "reviewer", actor="test")
    with store.recording() as rec:
        resolve(rec, str(saved.id), "ann", {"priority": "urgent"}, "checked", "changed")
    for statement in (
        update(review_resolutions).values(action="confirm"),
        delete(review_resolutions),
        update(account_events).values(role="admin"),
        delete(account_events),
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(statement)
    assert store.verify_log().ok


def test_an_edited_resolution_fails_verification(store: Store, decider: Any) -> None:
    saved = _decision(store, decider)
    with store.recording() as rec:
        done = resolve(rec, str(saved.id), "ann", {"priority": "urgent"}, None, "changed")
    dialect = store.engine.dialect.name
    from explainer.store.tables import auditor_drop_triggers_sql

    with store.engine.begin() as conn:
        for statement in auditor_drop_triggers_sql(dialect) + drop_triggers_sql(dialect):
            conn.exec_driver_sql(statement)
        conn.execute(update(review_resolutions).values(priority_after="low"))
    result = store.verify_log()
    assert not result.ok and result.first_bad == f"review_resolution {done['id']}"


def test_resolution_answers_the_request_and_erasure_takes_the_note(
    store: Store, decider: Any
) -> None:
    saved = _decision(store, decider)
    request = store.add_review_request(str(saved.id), "please look")
    with store.recording() as rec:
        resolve(rec, str(saved.id), "ann", {}, "Jane Roe called", "confirmed")
    with store.engine.connect() as conn:
        reviews = reviews_with_outcomes(conn, str(saved.id))
    assert [r["id"] for r in reviews] == [request["id"]]
    assert reviews[0]["status"] == "resolved" and reviews[0]["outcome"] == "confirmed"
    store.erase_customer("C-5")
    with store.engine.connect() as conn:
        assert resolutions_for(conn, str(saved.id))[0]["note"] is None
    assert store.verify_log().ok


def test_queue_pages_through_requests_then_low_confidence(store: Store, decider: Any) -> None:
    from explainer.store.resolutions import queue

    made = [_decision(store, decider) for _ in range(3)]
    store.add_review_request(str(made[1].id), None)
    store.add_review_request(str(made[0].id), None)
    with store.engine.connect() as conn:
        everything, total = queue(conn, 50, 0)
        pages = [queue(conn, 1, i)[0] for i in range(total)]
    assert [r["id"] for r in everything[:2]] == [str(made[1].id), str(made[0].id)]
    assert all(r["requested"] for r in everything[:2])
    assert not any(r["requested"] for r in everything[2:])
    assert [p[0]["id"] for p in pages] == [r["id"] for r in everything]
    assert total == len(everything)
