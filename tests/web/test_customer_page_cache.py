"""The why page's caches (the decision, the rendered page) never outrun an erasure.

Two applications over one database stand for two gunicorn workers: one shows a page
(and caches the decision), the other erases the customer or purges old payloads; the
first must never show the personal text again, from its very next request on.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from customer_helpers import csrf_of
from flask import Flask
from web_helpers import Keys, app_config, ticket

from explainer.explain.decide import Decider
from explainer.schemas import TicketIn
from explainer.store.customer_page import DecisionCache
from explainer.web.app import build_app
from explainer.web.customer.page_cache import CSRF_MARK, NONCE_MARK, PageCache

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


def _nonce(html: str) -> str:
    found = re.search(r'<style nonce="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_a_kept_page_gets_this_requests_nonce_and_form_token(app: Flask, keys: Keys) -> None:
    _, path = _decide(app, keys, "C-kept")
    client = app.test_client()
    first, second = client.get(path), client.get(path)  # rendered, then kept
    pages = app.extensions["explainer.pages"]
    assert isinstance(pages, PageCache) and len(pages._items) == 1
    bodies = [r.get_data(as_text=True) for r in (first, second)]
    nonces = [_nonce(b) for b in bodies]
    assert nonces[0] != nonces[1]
    for answer, body, nonce in zip((first, second), bodies, nonces, strict=True):
        assert f"'nonce-{nonce}'" in answer.headers["Content-Security-Policy"]
        assert NONCE_MARK not in body and CSRF_MARK not in body
    # The kept page's form token posts: the review request lands and changes the page.
    posted = client.post(path + "/review", data={"csrf_token": csrf_of(bodies[1])})
    assert posted.status_code == 303
    after = client.get(path).get_data(as_text=True)
    assert _per_request_parts_out(bodies[0]) == _per_request_parts_out(bodies[1])
    assert _per_request_parts_out(after) != _per_request_parts_out(bodies[1])
    assert "pending" in after.lower() and "pending" not in bodies[1].lower()


def _per_request_parts_out(page: str) -> str:
    """The page with its nonce and form tokens blanked: what the cache may keep."""
    page = page.replace(_nonce(page), "NONCE")
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', page)


def test_kept_pages_expire_and_a_gone_payload_drops_the_personal_copy() -> None:
    pages = PageCache(size=2, ttl=0.05)
    made: list[str] = []

    def render(text: str) -> Callable[[], str]:
        return lambda: made.append(text) or f"{text} {NONCE_MARK} {CSRF_MARK}"

    assert pages.page(("t1", True, "en"), render("Zanzibar"), "N", "C") == "Zanzibar N C"
    assert pages.page(("t1", True, "en"), render("Zanzibar"), "M", "D") == "Zanzibar M D"
    assert made == ["Zanzibar"]  # the second came from the cache
    assert pages.page(("t1", True, "other link"), render("Zanzibar"), "N", "C")
    assert pages.page(("t1", False, "en"), render("erased"), "N", "C") == "erased N C"
    assert all(not key[1] for key in pages._items)  # held copies went, under every link
    for i in range(3):
        pages.page((f"t{i + 2}", True, "en"), render(f"p{i}"), "N", "C")
    assert len(pages._items) == 2  # bounded, oldest out
    time.sleep(0.06)
    pages.page(("t9", True, "en"), render("new"), "N", "C")
    assert list(pages._items) == [("t9", True, "en")]  # the rest expired
