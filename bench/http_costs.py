"""What one ``POST /api/v1/decisions`` costs, stage by stage, in process.

Each stage is the project's own call for that step, timed over the same bodies as the
HTTP cells (median of ``n``): parse the body, authenticate the key, validate the
ticket, decide (redaction, both models, exact attributions, wording), serialise the
stored forms (the public/personal split and their texts), write (the transaction's
statements up to the commit), commit (the durable commit, then the signed receipt) and
respond (the customer link and the answer's JSON). The whole route through Flask's test
client gives what the framework and hooks add. The report sets each figure against the
floor's and ``/explain``'s cost per request at HTTP level in the same run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from bench.http_setup import api_key
from explainer.privacy import personal
from explainer.schemas import TicketIn
from explainer.store.ledger.log import compact
from explainer.web.api.body import parse_json
from explainer.web.app import build_app

__all__ = ["STAGES", "costs"]

STAGES = (
    "parse",
    "authenticate",
    "validate",
    "decide",
    "serialise",
    "write",
    "commit",
    "respond",
)


def _median_ms(fn: Callable[[int], Any], n: int) -> float:
    times = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def costs(config: dict[str, Any], bodies: list[dict[str, Any]], n: int) -> dict[str, float]:
    """Median ms per stage, plus ``route`` (the whole request in process) and ``explain``."""
    key = api_key(config)
    app = build_app(config)
    svc = app.extensions["explainer"]
    raws = [app.json.dumps(b).encode("utf-8") for b in bodies[:n]]
    tickets = [TicketIn.model_validate(b) for b in bodies[:n]]
    made = [svc.decider.decide(t) for t in tickets]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    for body in bodies[:20]:  # warm: lazy imports, caches, the pool
        client.post("/api/v1/decisions", json=body, headers=headers)

    def serialise(i: int) -> None:
        public, payload = personal.split(made[i])
        compact(public), compact(payload)

    committing: list[float] = []
    event.listen(svc.store.engine, "commit", lambda _conn: committing.append(time.perf_counter()))
    writes: list[tuple[float, float, float]] = []

    def save(i: int) -> None:
        start = time.perf_counter()
        svc.store.save_decision(made[i])
        writes.append((start, committing[-1], time.perf_counter()))

    out = {
        "parse": _median_ms(lambda i: parse_json(raws[i]), n),
        "authenticate": _median_ms(lambda _i: svc.authenticate(key), n),
        "validate": _median_ms(lambda i: TicketIn.model_validate(bodies[i]), n),
        "decide": _median_ms(lambda i: svc.decider.decide(tickets[i]), n),
        "serialise": _median_ms(serialise, n),
    }
    _median_ms(save, n)
    before = statistics.median(c - s for s, c, _ in writes)
    out["write"] = max(0.0, 1e3 * before - out["serialise"])
    out["commit"] = 1e3 * statistics.median(e - c for _, c, e in writes)
    stored = svc.store.get_decision(str(svc.store.save_decision(made[0])[0].id))
    assert stored is not None
    with app.test_request_context():
        out["respond"] = _median_ms(lambda _i: app.json.response(svc.with_links(stored).wire()), n)
    out["route"] = _median_ms(
        lambda i: client.post("/api/v1/decisions", json=bodies[i], headers=headers), n
    )
    out["explain"] = _median_ms(
        lambda i: client.post("/api/v1/explain", json=bodies[i], headers=headers), n
    )
    svc.close()
    return out
