"""Inputs of the HTTP bench: demo-ticket bodies, databases, API keys, why-page paths."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from explainer.settings import Settings
from explainer.store import Store
from explainer.training import corpus
from tests.postgres_helpers import fresh_schema, postgres_unavailable, postgres_url_for_tests

__all__ = ["api_key", "bodies", "database", "why_paths"]

SEED = 4243  # not the training seed: new tickets


def bodies(n: int, out: Path) -> list[dict[str, Any]]:
    """``n`` varied demo tickets as API request bodies, one JSON per line in ``out``."""
    tickets = [t.payload() for t in corpus.generate(n, seed=SEED)]
    out.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tickets), "utf-8")
    return tickets


@contextmanager
def database(kind: str, work: Path) -> Iterator[str | None]:
    """A fresh SQLite file or PostgreSQL schema (dropped after); None if unreachable."""
    if kind == "sqlite":
        yield f"sqlite:///{work / 'sqlite' / 'bench.db'}"
        return
    url = postgres_url_for_tests()
    if postgres_unavailable(url) is not None:
        yield None
        return
    with fresh_schema(url) as scoped:
        yield scoped


def api_key(config: dict[str, Any]) -> str:
    """Migrate the database and create a ``decisions:write`` + ``read`` key."""
    store = Store.from_settings(Settings.load(config))
    try:
        store.upgrade()
        plaintext, _ = store.api_keys.create("bench", ["decisions:write", "decisions:read"])
    finally:
        store.dispose()
    return plaintext


def why_paths(base: str, key: str, tickets: list[dict[str, Any]], out: Path) -> int:
    """Create one decision per ticket over HTTP; write their ``/why/<token>`` paths."""
    parts = urlsplit(base)
    paths = []
    for ticket in tickets:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        try:
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            conn.request("POST", "/api/v1/decisions", json.dumps(ticket), headers)
            response = conn.getresponse()
            data = json.loads(response.read())
        finally:
            conn.close()
        if response.status != 201:
            raise RuntimeError(f"creating a decision failed: {response.status} {data}")
        paths.append(urlsplit(data["links"]["why"]).path)
    out.write_text("".join(p + "\n" for p in paths))
    return len(paths)
