"""The why page's decision cache can never outrun an erasure, in any worker.

Two applications over one database stand for two gunicorn workers: one shows a page
(and caches the decision), the other erases the customer or purges old payloads; the
first must never show the personal text again, from its very next request on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from web_helpers import Keys, app_config, ticket

from explainer.explain.decide import Decider
from explainer.schemas import TicketIn
from explainer.store.customer_page import DecisionCache
from explainer.web.app import build_app

SECRET = "Zanzibar"  # a distinctive word of the ticket that must go with its payload


@pytest.fixture
def other_worker(app: Flask, db_url: str, models_dir: Path, tmp_path: Path) -> Iterator[Flask]:
    other = build_app(app_config(db_url, models_dir, tmp_path))
    yield other
    other.extensions["explainer"].close()


def _decide(app: Flask, keys: Keys, customer: str) -> tuple[str, str]:
    body = ticket(body=f"My {SECRET} invoice was charged twice", customer={"id": customer})
    made = app.test_client().post("/api/v1/decisions", json=body, headers=keys.write)
    assert made.status_code == 201
    answer = made.get_json()
    return answer["id"], "/why/" + answer["links"]["why"].rsplit("/why/", 1)[1]


def _page(app: Flask, path: str) -> tuple[int, str]:
    answer = app.test_client().get(path)
    return answer.status_code, answer.get_data(as_text=True)


def test_an_erasure_in_another_worker_is_seen_at_once(
    app: Flask, other_worker: Flask, keys: Keys
) -> None:
    decision_id, path = _decide(app, keys, "C-cache")
    for _ in range(2):  # read, then served from the cache
        status, html = _page(app, path)
        assert status == 200 and SECRET in html
    store = app.extensions["explainer"].store
    assert store.pages.get(decision_id, True) is not None
    other_worker.extensions["explainer"].store.erase_customer("C-cache")
    assert _page(app, path)[0] == 404  # an erasure revokes the customer's links
    # Behind the link check, the decision read is the erased one: the cached personal
    # copy is keyed to a payload that no longer exists, and is dropped.
    found = store.customer_view(decision_id, generation=1)
    assert found is not None and found[0].erased and SECRET not in found[0].model_dump_json()
    assert store.pages.get(decision_id, True) is None


def test_a_purge_in_another_worker_is_seen_at_once(
    app: Flask, other_worker: Flask, keys: Keys
) -> None:
    decision_id, path = _decide(app, keys, "C-old")
    assert SECRET in _page(app, path)[1] and SECRET in _page(app, path)[1]
    other = other_worker.extensions["explainer"].store
    later = datetime.now(UTC) + timedelta(days=other.retention_days + 1)
    assert other.purge(now=later)["erasure_id"]
    status, html = _page(app, path)  # the link still works; the text has gone
    assert status == 200 and SECRET not in html
    assert app.extensions["explainer"].store.pages.get(decision_id, True) is None


def test_entries_expire_and_the_cache_stays_bounded(decider: Decider) -> None:
    made = decider.decide(TicketIn.model_validate(ticket()))
    cache = DecisionCache(size=3, ttl=0.05)
    for i in range(5):
        cache.put(f"dec_{i}", True, made)
    assert cache.get("dec_0", True) is None and cache.get("dec_4", True) is made  # LRU
    time.sleep(0.06)
    assert cache.get("dec_4", True) is None  # expired, and swept
    cache.put("dec_9", True, made)
    assert cache.get("dec_9", False) is None and cache.get("dec_9", True) is None
