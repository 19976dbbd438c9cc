"""Console sign-in: argon2 passwords, server-side sessions, throttling, CSRF, roles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auditor_helpers import (
    PASSWORD,
    accounts,
    console_app,
    csrf_of,
    page_token,
    sign_in,
    signed_in,
)
from flask import Flask
from sqlalchemy import select, update

from explainer.store.accounts import MAX_FAILURES
from explainer.store.tables import account_events, log_leaves, sessions, users

GENERIC = "Wrong username or password, or the account is disabled."


@pytest.fixture
def app(db_url: str, models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    """The console over SQLite and PostgreSQL."""
    application = console_app(db_url, models_dir, tmp_path)
    yield application
    application.extensions["explainer"].close()


def test_signed_out_requests_go_to_the_login_page(app: Flask) -> None:
    r = app.test_client().get("/audit/reviews?page=2")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/audit/login?next=")


def test_sign_in_sets_a_hardened_session_cookie(app: Flask) -> None:
    accounts(app).create_user("ann", PASSWORD, "auditor", actor="test")
    client = app.test_client()
    r = sign_in(client, "ann")
    assert r.status_code == 303 and r.headers["Location"] == "/audit/"
    cookie = next(c for c in r.headers.getlist("Set-Cookie") if c.startswith("explainer_audit="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/audit" in cookie
    assert "Secure" not in cookie  # PUBLIC_URL is http in this app
    page = client.get("/audit/")
    assert page.status_code == 200 and "ann" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    with app.extensions["explainer"].store.engine.connect() as conn:
        stored = conn.execute(select(sessions.c.id)).scalars().all()
        hashed = conn.execute(select(users.c.password_hash)).scalar_one()
    token = cookie.split(";")[0].split("=", 1)[1]
    assert token not in stored and len(stored) == 1  # only the token's hash is kept
    assert hashed.startswith("$argon2id$")


def test_secure_cookie_when_public_url_is_https(
    models_dir: Path, tmp_path: Path, clean_env: None
) -> None:
    app = console_app(
        f"sqlite:///{tmp_path / 'db.sqlite'}", models_dir, tmp_path, PUBLIC_URL="https://x.test"
    )
    accounts(app).create_user("ann", PASSWORD, "auditor", actor="test")
    r = sign_in(app.test_client(), "ann")
    cookie = next(c for c in r.headers.getlist("Set-Cookie") if c.startswith("explainer_audit="))
    assert "Secure" in cookie
    app.extensions["explainer"].close()


def test_wrong_password_and_unknown_user_get_the_same_answer(app: Flask) -> None:
    accounts(app).create_user("ann", PASSWORD, "auditor", actor="test")
    wrong = sign_in(app.test_client(), "ann", "not the password")
    unknown = sign_in(app.test_client(), "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert GENERIC in wrong.get_data(as_text=True)
    assert GENERIC in unknown.get_data(as_text=True)


def test_throttle_holds_across_two_app_instances(
    db_url: str, models_dir: Path, tmp_path: Path, clean_env: None
) -> None:
    first = console_app(db_url, models_dir, tmp_path)
    second = console_app(db_url, models_dir, tmp_path)
    accounts(first).create_user("ann", PASSWORD, "auditor", actor="test")
    for _ in range(MAX_FAILURES):
        assert sign_in(first.test_client(), "ann", "guess").status_code == 401
    blocked = sign_in(second.test_client(), "ann")  # the right password, another worker
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.get_data(as_text=True)
    other_ip = second.test_client()
    other_ip.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert sign_in(other_ip, "ann").status_code == 303
    for app in (first, second):
        app.extensions["explainer"].close()


def test_throttle_window_passes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts(app).create_user("ann", PASSWORD, "auditor", actor="test")
    for _ in range(MAX_FAILURES):
        sign_in(app.test_client(), "ann", "guess")
    assert sign_in(app.test_client(), "ann").status_code == 429
    import explainer.store.accounts as accounts_module

    later = datetime.now(UTC) + timedelta(minutes=16)
    monkeypatch.setattr(accounts_module, "_now", lambda: later)
    assert sign_in(app.test_client(), "ann").status_code == 303


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/audit/login", {"username": "ann", "password": PASSWORD}),
        ("/audit/logout", {}),
        ("/audit/reviews/dec_x", {"action": "confirm"}),
        ("/audit/users", {"username": "bob", "password": PASSWORD, "role": "admin"}),
    ],
)
def test_forms_without_the_csrf_token_are_refused(app: Flask, path: str, data: dict) -> None:
    client = signed_in(app, "admin")
    assert client.post(path, data=data).status_code == 400
    assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 400
    assert client.get("/audit/").status_code == 200  # still signed in: logout was refused


def test_login_token_from_another_browser_is_refused(app: Flask) -> None:
    accounts(app).create_user("ann", PASSWORD, "auditor", actor="test")
    token = csrf_of(app.test_client().get("/audit/login").get_data(as_text=True))
    victim = app.test_client()
    r = victim.post(
        "/audit/login", data={"username": "ann", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 400


def test_logout_ends_the_server_side_session(app: Flask) -> None:
    client = signed_in(app, "auditor")
    cookie = client.get_cookie("explainer_audit", path="/audit")
    assert cookie is not None
    stolen = cookie.value
    r = client.post("/audit/logout", data={"csrf_token": page_token(client)})
    assert r.status_code == 303 and r.headers["Location"] == "/audit/login"
    replay = app.test_client()
    replay.set_cookie("explainer_audit", stolen, path="/audit")
    assert replay.get("/audit/").status_code == 302


def test_idle_sessions_end(app: Flask) -> None:
    client = signed_in(app, "auditor")
    assert client.get("/audit/").status_code == 200
    engine = app.extensions["explainer"].store.engine
    with engine.begin() as conn:
        conn.execute(update(sessions).values(last_seen=datetime.now(UTC) - timedelta(minutes=31)))
    assert client.get("/audit/").status_code == 302
    with engine.connect() as conn:
        assert conn.execute(select(sessions.c.revoked)).scalar_one() is True


def test_idle_timeout_is_configurable(models_dir: Path, tmp_path: Path, clean_env: None) -> None:
    app = console_app(
        f"sqlite:///{tmp_path / 'db.sqlite'}", models_dir, tmp_path, AUDIT_IDLE_MINUTES=120
    )
    client = signed_in(app, "auditor")
    with app.extensions["explainer"].store.engine.begin() as conn:
        conn.execute(update(sessions).values(last_seen=datetime.now(UTC) - timedelta(minutes=60)))
    assert client.get("/audit/").status_code == 200
    app.extensions["explainer"].close()


def test_disabling_a_user_ends_their_sessions(app: Flask) -> None:
    victim = signed_in(app, "auditor", "carl")
    admin = signed_in(app, "admin")
    token = page_token(admin, "/audit/users")
    r = admin.post("/audit/users/carl/disabled", data={"disabled": "yes", "csrf_token": token})
    assert r.status_code == 303
    assert victim.get("/audit/").status_code == 302
    assert sign_in(app.test_client(), "carl").status_code == 401


def test_roles_nest(app: Flask) -> None:
    auditor, reviewer, admin = (signed_in(app, r) for r in ("auditor", "reviewer", "admin"))
    assert auditor.get("/audit/reviews/export.csv").status_code == 403
    assert reviewer.get("/audit/reviews/export.csv").status_code == 200
    assert admin.get("/audit/reviews/export.csv").status_code == 200
    assert reviewer.get("/audit/users").status_code == 403
    assert admin.get("/audit/users").status_code == 200
    for client in (auditor, reviewer, admin):
        assert client.get("/audit/verify").status_code == 200


def test_admin_actions_are_log_records(app: Flask) -> None:
    admin = signed_in(app, "admin")
    token = page_token(admin, "/audit/users")
    data = {"username": "dora", "password": PASSWORD, "role": "reviewer", "csrf_token": token}
    assert admin.post("/audit/users", data=data).status_code == 303
    admin.post("/audit/users/dora/disabled", data={"disabled": "yes", "csrf_token": token})
    store = app.extensions["explainer"].store
    with store.engine.connect() as conn:
        events = conn.execute(select(account_events.c.action, account_events.c.actor)).all()
        kinds = conn.execute(select(log_leaves.c.kind)).scalars().all()
    assert ("create", "admin-user") in events and ("disable", "admin-user") in events
    assert kinds.count("account_event") == len(events) == 3
    assert store.verify_log().ok


def test_next_only_follows_console_paths(app: Flask) -> None:
    accounts(app).create_user("ann", PASSWORD, "auditor", actor="test")
    for target, expected in (
        ("/audit/verify", "/audit/verify"),
        ("https://evil.example/", "/audit/"),
        ("//evil.example/audit/", "/audit/"),
    ):
        client = app.test_client()
        token = csrf_of(client.get("/audit/login").get_data(as_text=True))
        data = {"username": "ann", "password": PASSWORD, "csrf_token": token, "next": target}
        r = client.post("/audit/login", data=data)
        assert r.headers["Location"] == expected


def test_users_create_command(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from explainer.cli.main import main

    settings = app.extensions["explainer"].settings
    monkeypatch.setenv("EXPLAINER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("EXPLAINER_INSTANCE_PATH", str(settings.instance_path))
    runner = CliRunner()
    args = ["users", "create", "--username", "Eve", "--role", "reviewer"]
    r = runner.invoke(main, [*args, "--password-stdin"], input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    assert "created reviewer eve" in r.output
    again = runner.invoke(main, [*args, "--password-stdin"], input=PASSWORD + "\n")
    assert again.exit_code == 2
    prompted = runner.invoke(
        main,
        ["users", "create", "--username", "fay", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert prompted.exit_code == 0, prompted.output
    assert sign_in(app.test_client(), "eve").status_code == 303
    assert sign_in(app.test_client(), "fay").status_code == 303
    assert runner.invoke(main, ["users", "disable", "--username", "fay"]).exit_code == 0
    listed = runner.invoke(main, ["users", "list"])
    assert listed.exit_code == 0
    rows = {line.split()[0]: line.split()[1:3] for line in listed.output.splitlines()[1:]}
    assert rows == {"eve": ["reviewer", "active"], "fay": ["admin", "disabled"]}
