"""Auditor console search latency with 100,000 stored decisions on SQLite.

    python -m bench.audit_search [--rows 100000] [--runs 20] [--models DIR]

Seeds a fresh SQLite database quickly: a few hundred real decisions are made by the
demo models, then their rows are replicated (new ids, times spread over 90 days,
varied channel/plan/language/region) with bulk inserts straight into the store's
tables, plus review requests and resolutions on a few percent. The seeded rows skip
the tamper-evident log (this database is for timing only; ``verify_log`` would
rightly refuse it). Then it times each search page twice: the store query alone and
the whole console page (Flask test client, signed in, template rendered). A page is
meant to take under 200 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from explainer.oversight.query import SearchQuery
from explainer.store.ids import new_ulid
from explainer.store.search import search
from explainer.store.tables import decisions, review_requests, review_resolutions
from explainer.training import corpus

BUDGET_MS = 200.0
CHANNELS = ("email", "chat", "phone", "web", "social")
PLANS = ("free", "pro", "business", "enterprise")
LANGUAGES = ("en", "en", "en", "de", "fr", "es", "ja")
REGIONS = ("EU", "US", "APAC", "LATAM")


def _templates(models: Path, n: int) -> list[dict[str, Any]]:
    """Summary rows of ``n`` real decisions (the demo models on generated tickets)."""
    from explainer.explain.decide import Decider
    from explainer.model.registry import load_models
    from explainer.privacy import personal
    from explainer.schemas import TicketIn
    from explainer.store.decisions import _summary

    decider = Decider(load_models(models))
    rows = []
    for t in corpus.generate(n, 99):
        r = t.row
        ticket = TicketIn.model_validate(
            {
                "subject": r["subject"],
                "body": r["body"],
                "channel": r["channel"],
                "customer": {"plan": r["plan"], "account_age_days": r["account_age_days"]},
            }
        )
        d = decider.decide(ticket).model_copy(update={"id": "dec_template"})
        public, _ = personal.split(d)
        rows.append(_summary(d, public, None))
    return rows


def seed(engine: Any, templates: list[dict[str, Any]], n: int, rng: random.Random) -> list[str]:
    """Bulk-insert ``n`` decision rows (and some review records); return their ids."""
    now = datetime.now(UTC)
    ids: list[str] = []
    batch: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for i in range(n):
            row = dict(rng.choice(templates))
            row["id"] = f"dec_{new_ulid()}"
            row["created_at"] = now - timedelta(seconds=rng.uniform(0, 90 * 86_400))
            row["channel"] = rng.choice(CHANNELS)
            row["plan"] = rng.choice(PLANS)
            row["language"] = rng.choice(LANGUAGES)
            row["region"] = rng.choice(REGIONS)
            if i % 2:
                for m in ("intent", "priority"):
                    row[f"{m}_model_version"] = "20260101T000000Z"
            ids.append(row["id"])
            batch.append(row)
            if len(batch) == 5_000:
                conn.execute(insert(decisions), batch)
                batch = []
        if batch:
            conn.execute(insert(decisions), batch)
        _reviews(conn, ids, rng, now)
    return ids


def _reviews(conn: Any, ids: list[str], rng: random.Random, now: datetime) -> None:
    asked = rng.sample(ids, len(ids) // 50)
    conn.execute(
        insert(review_requests),
        [
            {"id": f"rev_{new_ulid()}", "decision_id": d, "status": "pending", "created_at": now}
            for d in asked
        ],
    )
    conn.execute(
        insert(review_resolutions),
        [
            {
                "id": f"rvw_{new_ulid()}",
                "decision_id": d,
                "review_request_id": None,
                "reviewer": "bench",
                "action": "confirm",
                "outcome": "A person reviewed this decision and confirmed it.",
                "created_at": now,
            }
            for d in rng.sample(ids, len(ids) // 100)
        ],
    )


QUERIES: dict[str, str] = {
    "newest, no filter": "",
    "one intent": "intent=refund",
    "plan + channel + region": "plan=business&channel=chat&region=EU",
    "last 7 days": "since={week}",
    "low confidence, sorted by it": "conf_max=0.5&sort=intent_confidence&dir=asc",
    "model version": "model_version=20260101T000000Z",
    "review requested": "review=requested",
    "not reviewed, page 40": "review=none&page=40",
    "language ja, oldest first": "language=ja&dir=asc",
}


def _time(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()  # warm the page cache and the statement cache
    seconds = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - t0)
    seconds.sort()
    return statistics.median(seconds) * 1e3, seconds[int(0.95 * (len(seconds) - 1))] * 1e3


def main() -> None:
    """Seed, then print a latency table (exit status 1 if a page is over budget)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--models", type=Path, default=Path("models"))
    args = parser.parse_args()

    from werkzeug.datastructures import MultiDict

    from explainer.store.accounts import Accounts
    from explainer.web.app import build_app
    from explainer.web.auditor.pages import parse_query

    tmp = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    app = build_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
            "MODELS_DIR": str(args.models),
            "INSTANCE_PATH": str(tmp / "instance"),
            "SECRET_KEY": "bench",
        }
    )
    store = app.extensions["explainer"].store
    store.upgrade()
    t0 = time.perf_counter()
    seed(store.engine, _templates(args.models, 300), args.rows, random.Random(7))
    print(f"seeded {args.rows:,} decisions in {time.perf_counter() - t0:.1f} s ({tmp})")
    Accounts(store).create_user("bench", "bench password", "auditor", actor="bench")
    client = app.test_client()
    page = client.get("/audit/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(
        "/audit/login",
        data={"username": "bench", "password": "bench password", "csrf_token": token},
    )
    week = (datetime.now(UTC) - timedelta(days=7)).strftime("%Y-%m-%d")
    print(f"\n{'query':32} {'matches':>8} {'store med':>10} {'page med':>9} {'page p95':>9}")
    over = False
    for name, raw in QUERIES.items():
        qs = raw.format(week=week)
        query, _ = parse_query(MultiDict([p.split("=", 1) for p in qs.split("&") if p]))
        with store.engine.connect() as conn:
            total = search(conn, query)[1]

            def store_only(q: SearchQuery = query, c: Any = conn) -> Any:
                return search(c, q)

            store_med, _ = _time(store_only, args.runs)
        page_med, page_p95 = _time(lambda q=qs: client.get("/audit/?" + q), args.runs)
        over = over or page_p95 > BUDGET_MS
        flag = "" if page_p95 <= BUDGET_MS else "  OVER BUDGET"
        print(f"{name:32} {total:8,} {store_med:8.1f}ms {page_med:7.1f}ms {page_p95:7.1f}ms{flag}")
    queue_med, queue_p95 = _time(lambda: client.get("/audit/reviews"), args.runs)
    over = over or queue_p95 > BUDGET_MS
    print(f"{'review queue, first page':32} {'':8} {'':10} {queue_med:7.1f}ms {queue_p95:7.1f}ms")
    print(f"\nbudget: {BUDGET_MS:.0f} ms per page (p95)")
    app.extensions["explainer"].close()
    raise SystemExit(1 if over else 0)


if __name__ == "__main__":
    main()
