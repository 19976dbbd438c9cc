"""Who may call what: every route of the app x every kind of caller -> the expected answer.

The test walks ``app.url_map``; a route without an entry in ``EXPECTED`` fails it, so
nobody adds a route without deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from auditor_helpers import PASSWORD, accounts, console_app, decide, sign_in, why_path
from flask import Flask
from flask.testing import FlaskClient

CALLERS = (
    "anonymous",
    "customer",
    "key:decisions:write",
    "key:decisions:read",
    "key:metrics:read",
    "key:admin",
    "auditor",
    "reviewer",
    "admin",
)
ROLES = ("auditor", "reviewer", "admin")
SCOPES = ("decisions:write", "decisions:read", "metrics:read", "admin")

# What an answer means: allowed, or refused in which way.
OK = "allowed"  # anything below 500 that is not a refusal below
LOGIN = "to login"  # 302 to /audit/login
UNAUTHENTICATED = "401"
FORBIDDEN = "403"
NOT_FOUND = "404"

Rule = Callable[[str], str]


def public(_caller: str) -> str:
    """Anyone."""
    return OK


def nothing(_caller: str) -> str:
    """Flask's own static route: the app keeps no files there, so nobody gets any."""
    return NOT_FOUND


def api(scope: str) -> Rule:
    """An API key with ``scope`` (``admin`` implies every scope); nothing else counts."""

    def rule(caller: str) -> str:
        if not caller.startswith("key:"):
            return UNAUTHENTICATED
        return OK if caller in (f"key:{scope}", "key:admin") else FORBIDDEN

    return rule


def link(caller: str) -> str:
    """The customer link is the credential: everyone else is holding a wrong token."""
    return OK if caller == "customer" else NOT_FOUND


def console(role: str) -> Rule:
    """A console session whose role includes ``role``; signed-out callers go to login."""

    def rule(caller: str) -> str:
        if caller not in ROLES:
            return LOGIN
        return OK if ROLES.index(caller) >= ROLES.index(role) else FORBIDDEN

    return rule


EXPECTED: dict[tuple[str, str], Rule] = {
    ("/healthz", "GET"): public,
    ("/readyz", "GET"): public,
    ("/metrics", "GET"): api("metrics:read"),
    ("/api/openapi.json", "GET"): public,
    ("/widget.js", "GET"): public,
    ("/static/<path:filename>", "GET"): nothing,
    ("/customer-static/<path:filename>", "GET"): public,
    ("/api/v1/decisions", "POST"): api("decisions:write"),
    ("/api/v1/explain", "POST"): api("decisions:write"),
    ("/api/v1/decisions:batch", "POST"): api("decisions:write"),
    ("/api/v1/decisions/<decision_id>", "GET"): api("decisions:read"),
    ("/api/v1/decisions/<decision_id>/proof", "GET"): api("decisions:read"),
    ("/api/v1/models", "GET"): api("decisions:read"),
    ("/api/v1/log", "GET"): public,
    ("/api/v1/log/leaves", "GET"): public,
    ("/api/v1/log/consistency", "GET"): public,
    ("/why/<token>/receipts.jsonl", "GET"): link,
    ("/why/<token>", "GET"): link,
    ("/why/<token>/review", "POST"): link,
    ("/why/<token>/feedback", "POST"): link,
    ("/demo", "GET"): public,
    ("/demo", "POST"): public,
    ("/demo/sent/<token>", "GET"): link,
    ("/audit/login", "GET"): public,
    ("/audit/login", "POST"): public,
    ("/audit/static/<path:filename>", "GET"): public,
    ("/audit/logout", "POST"): console("auditor"),
    ("/audit/", "GET"): console("auditor"),
    ("/audit/decisions/<decision_id>", "GET"): console("auditor"),
    ("/audit/verify", "GET"): console("auditor"),
    ("/audit/reviews", "GET"): console("auditor"),
    ("/audit/reviews/<decision_id>", "POST"): console("reviewer"),
    ("/audit/reviews/export.csv", "GET"): console("reviewer"),
    ("/audit/users", "GET"): console("admin"),
    ("/audit/users", "POST"): console("admin"),
    ("/audit/users/<username>/disabled", "POST"): console("admin"),
    ("/audit/webhooks", "GET"): console("admin"),
    ("/audit/releases", "GET"): console("auditor"),
    ("/audit/webhooks/<msg_id>/replay", "POST"): console("admin"),
    # the console's oversight reports (explainer/web/oversight.py)
    ("/audit/oversight-static/<path:filename>", "GET"): public,
    ("/audit/fairness", "GET"): console("auditor"),
    ("/audit/fairness.csv", "GET"): console("auditor"),
    ("/audit/decisions.csv", "GET"): console("auditor"),
    ("/audit/decisions.json", "GET"): console("auditor"),
    ("/audit/models", "GET"): console("auditor"),
}


@pytest.fixture(scope="module")
def world(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One app (demo on), a stored decision, keys of each scope, users of each role."""
    tmp = tmp_path_factory.mktemp("matrix")
    app = console_app(f"sqlite:///{tmp / 'db.sqlite'}", models_dir, tmp, DEMO=True)
    decision = decide(app, "Can't log in", "My password is wrong", customer={"id": "C-1"})
    store = app.extensions["explainer"].store
    keys = {s: store.api_keys.create(f"matrix {s}", [s])[0] for s in SCOPES}
    for role in ROLES:
        accounts(app).create_user(role, PASSWORD, role, actor="test")
    yield {"app": app, "decision": decision, "keys": keys}
    app.extensions["explainer"].close()


def _client(world: dict[str, Any], caller: str) -> tuple[FlaskClient, dict[str, str]]:
    app: Flask = world["app"]
    client = app.test_client()
    headers: dict[str, str] = {}
    if caller.startswith("key:"):
        headers["Authorization"] = f"Bearer {world['keys'][caller[4:]]}"
    if caller in ROLES:
        assert sign_in(client, caller).status_code == 303
    return client, headers


def _url(world: dict[str, Any], rule: Any, caller: str) -> str:
    token = why_path(world["decision"]).rsplit("/", 1)[1]
    values = {
        "decision_id": world["decision"]["id"],
        "token": token if caller == "customer" else token[:-4] + "AAAA",
        "username": "auditor",
        "msg_id": "msg_unknown",
        "filename": {
            "auditor.static": "auditor.css",
            "customer.static": "why.css",
        }.get(rule.endpoint, "missing.txt"),
    }
    path = str(rule.rule)
    for arg in rule.arguments:
        path = path.replace(f"<{arg}>", values[arg]).replace(f"<path:{arg}>", values[arg])
    return path


def _outcome(status: int, location: str) -> str:
    if status == 302 and location.startswith("/audit/login"):
        return LOGIN
    return {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND}.get(status, OK)


def _routes(app: Flask) -> list[tuple[Any, str]]:
    """Every (rule, method) of the app, HEAD and OPTIONS aside (Flask answers those itself)."""
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods or ())
        if method not in ("HEAD", "OPTIONS")
    ]


def test_every_route_has_an_entry(world: dict[str, Any]) -> None:
    routes = {(str(rule.rule), method) for rule, method in _routes(world["app"])}
    missing = sorted(routes - set(EXPECTED))
    assert missing == [], f"routes without an access rule in EXPECTED: {missing}"


@pytest.mark.parametrize("caller", CALLERS)
def test_access_matrix(world: dict[str, Any], caller: str) -> None:
    client, headers = _client(world, caller)
    wrong = []
    for rule, method in _routes(world["app"]):
        expected = EXPECTED[(str(rule.rule), method)](caller)
        url = _url(world, rule, caller)
        with client.open(url, method=method, headers=headers) as response:
            got = _outcome(response.status_code, response.headers.get("Location", ""))
        assert response.status_code < 500, (method, url, response.status_code)
        if got != expected:
            wrong.append(f"{method} {rule.rule}: expected {expected}, got {response.status_code}")
    assert wrong == [], f"{caller}: " + "; ".join(wrong)
