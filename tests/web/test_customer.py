"""The customer page: access by link only, the one plain 404, headers, actions, CORS."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from customer_helpers import JSON, SECRET, WIDGET_ORIGIN, csrf_of, customer_app, make
from flask import Flask
from flask.testing import FlaskClient

from explainer.service.links import LinkSigner


@pytest.fixture
def capp(models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    """The real app with one widget origin allowed."""
    application = customer_app(models_dir, tmp_path)
    yield application
    application.extensions["explainer"].close()


@pytest.fixture
def cclient(capp: Flask) -> FlaskClient:
    """A client of ``capp``."""
    return capp.test_client()


def test_page_shows_the_customer_block(capp: Flask, cclient: FlaskClient) -> None:
    _, path = make(capp, "Can't log in since this morning", "My password is wrong, urgent")
    r = cclient.get(path)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    view = cclient.get(path, headers=JSON).get_json()
    assert view["summary"].replace("'", "&#39;") in html
    assert 1 <= len(view["reasons"]) <= 4
    assert "<mark>" in html
    assert view["notice"].split(".")[0] in html
    assert 'action="' + path + '/review"' in html


def test_a_token_for_one_decision_never_shows_another(capp: Flask, cclient: FlaskClient) -> None:
    _, path_a = make(capp, "Refund for order alpha", "Please refund my order alpha")
    _, path_b = make(capp, "Shipping of parcel bravo", "Where is parcel bravo")
    page_a = cclient.get(path_a).get_data(as_text=True)
    assert "alpha" in page_a and "bravo" not in page_a
    json_b = cclient.get(path_b, headers=JSON).get_data(as_text=True)
    assert "bravo" in json_b and "alpha" not in json_b


def _not_found_bodies(capp: Flask, cclient: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> dict:
    decision_id, path = make(capp, "Invoice question", "I was charged twice")
    token = path.rsplit("/", 1)[1]
    signer = LinkSigner(SECRET, 90)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 91 * 86_400)
    expired = signer.token(decision_id)
    monkeypatch.setattr(time, "time", real)
    other_secret = LinkSigner("another-secret", 90).token(decision_id)
    unknown = signer.token("dec_00000000000000000000000000")
    revoked_id, revoked_path = make(capp, "Cancel my plan", "Please cancel")
    capp.extensions["explainer"].store.revoke_link(revoked_id)
    cases = {
        "tampered": "/why/" + token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "expired": "/why/" + expired,
        "other secret": "/why/" + other_secret,
        "unknown": "/why/" + unknown,
        "revoked": revoked_path,
        "garbage": "/why/not-a-token",
        "huge": "/why/" + "A" * 5000,
    }
    out = {}
    for name, url in cases.items():
        for method, suffix in (("get", ""), ("post", "/review"), ("post", "/feedback")):
            r = getattr(cclient, method)(url + suffix, json={"helpful": True})
            assert r.status_code == 404, (name, method, suffix)
            out[(name, method, suffix)] = r.get_data()
    return out


def test_wrong_expired_revoked_and_unknown_links_get_one_plain_404(
    capp: Flask, cclient: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = _not_found_bodies(capp, cclient, monkeypatch)
    assert len(set(bodies.values())) == 1
    assert b"<html" in next(iter(bodies.values()))


def test_expired_link_is_404(
    capp: Flask, cclient: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = make(capp, "Password reset", "Reset link broken")
    assert cclient.get(path).status_code == 200
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 91 * 86_400)
    assert cclient.get(path).status_code == 404


def test_revoked_link_is_404(capp: Flask, cclient: FlaskClient) -> None:
    decision_id, path = make(capp, "Password reset", "Reset link broken")
    assert cclient.get(path).status_code == 200
    capp.extensions["explainer"].store.revoke_link(decision_id)
    assert cclient.get(path).status_code == 404
    assert cclient.get(path, headers=JSON).status_code == 404


def test_tampered_link_is_404(capp: Flask, cclient: FlaskClient) -> None:
    _, path = make(capp, "Password reset", "Reset link broken")
    head, payload, sig = path.rsplit("/", 1)[0], *path.rsplit("/", 1)[1].split(".")
    forged = f"{head}/{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{sig}"
    assert cclient.get(forged).status_code == 404


def test_security_headers_on_the_page(capp: Flask, cclient: FlaskClient) -> None:
    _, path = make(capp, "App crashes on start", "It crashes")
    for headers in ({}, JSON):
        h = cclient.get(path, headers=headers).headers
        assert h["Cache-Control"] == "no-store"
        assert h["Referrer-Policy"] == "no-referrer"
        assert h["X-Content-Type-Options"] == "nosniff"
        csp = h["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "'nonce-" in csp
        assert f"frame-ancestors {WIDGET_ORIGIN}" in csp
    assert cclient.get("/why/nope").headers["Cache-Control"] == "no-store"


def test_user_text_is_escaped_piece_by_piece(capp: Flask, cclient: FlaskClient) -> None:
    evil = '<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:x">'
    _, path = make(capp, "Can't log in " + evil, "password wrong \u202eevil\u202c")
    html = cclient.get(path).get_data(as_text=True)
    text = html.replace("<mark>", "").replace("</mark>", "")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\u202e" not in html and "\ufffdevil\ufffd" in text


def test_form_review_needs_csrf_then_shows_pending(capp: Flask, cclient: FlaskClient) -> None:
    _, path = make(capp, "Billing error", "Charged twice for my plan")
    page = cclient.get(path).get_data(as_text=True)
    assert cclient.post(path + "/review", data={"comment": "x"}).status_code == 400
    bad = {"comment": "x", "csrf_token": csrf_of(page)[:-3] + "abc"}
    assert cclient.post(path + "/review", data=bad).status_code == 400
    ok = cclient.post(path + "/review", data={"comment": "please", "csrf_token": csrf_of(page)})
    assert ok.status_code == 303 and ok.headers["Location"].endswith(path + "#review")
    after = cclient.get(path).get_data(as_text=True)
    assert "<strong>pending</strong>" in after
    reviews = capp.extensions["explainer"].store.reviews_for(path_id(capp, path))
    assert [r["comment"] for r in reviews] == ["please"]


def path_id(app: Flask, path: str) -> str:
    """The decision id a /why/ path names."""
    found = app.extensions["explainer"].signer.decision_id(path.rsplit("/", 1)[1])
    assert found
    return str(found)


def test_csrf_token_of_one_decision_does_not_post_to_another(
    capp: Flask, cclient: FlaskClient
) -> None:
    _, path_a = make(capp, "Billing error", "Charged twice")
    _, path_b = make(capp, "Shipping late", "Parcel late")
    token_a = csrf_of(cclient.get(path_a).get_data(as_text=True))
    r = cclient.post(path_b + "/feedback", data={"helpful": "yes", "csrf_token": token_a})
    assert r.status_code == 400


def test_form_feedback_thanks(capp: Flask, cclient: FlaskClient) -> None:
    _, path = make(capp, "Feature idea", "Please add dark mode")
    token = csrf_of(cclient.get(path).get_data(as_text=True))
    r = cclient.post(path + "/feedback", data={"helpful": "no", "csrf_token": token})
    assert r.status_code == 303
    assert "Thank you for your feedback." in cclient.get(path).get_data(as_text=True)
    [fb] = capp.extensions["explainer"].store.feedback_for(path_id(capp, path))
    assert fb["helpful"] is False and fb["comment"] is None


def test_json_actions_need_no_cookie(capp: Flask, cclient: FlaskClient) -> None:
    _, path = make(capp, "Refund please", "Refund my last order")
    fresh = capp.test_client(use_cookies=False)
    r = fresh.post(path + "/review", json={"comment": "check it"}, headers=JSON)
    assert r.status_code == 200 and r.get_json()["review"]["status"] == "pending"
    again = fresh.post(path + "/review", json={}, headers=JSON)
    assert len(capp.extensions["explainer"].store.reviews_for(path_id(capp, path))) == 1
    assert again.get_json()["review"]["status"] == "pending"
    r = fresh.post(path + "/feedback", json={"helpful": True}, headers=JSON)
    assert r.get_json()["feedback"] == {"given": True}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"comment": "x" * 2001}, 422),
        ({"comment": "a\x00b"}, 422),
        ({"comment": 5}, 422),
        ([1, 2], 400),
    ],
)
def test_json_comment_validation(capp: Flask, body: Any, status: int) -> None:
    _, path = make(capp, "Refund please", "Refund my last order")
    r = capp.test_client().post(path + "/review", json=body)
    assert r.status_code == status and "error" in r.get_json()


def test_lone_surrogate_and_wrong_media_type(capp: Flask, cclient: FlaskClient) -> None:
    _, path = make(capp, "Refund please", "Refund my last order")
    raw = b'{"comment": "bad \\ud800 here"}'
    r = cclient.post(path + "/review", data=raw, content_type="application/json")
    assert r.status_code == 422
    r = cclient.post(path + "/feedback", data="helpful=yes", content_type="text/plain")
    assert r.status_code == 415
    r = cclient.post(path + "/feedback", json={"helpful": "maybe"})
    assert r.status_code == 422
    assert capp.extensions["explainer"].store.reviews_for(path_id(capp, path)) == []


def test_cors_for_listed_origins_only(capp: Flask, cclient: FlaskClient) -> None:
    _, path = make(capp, "Refund please", "Refund my last order")
    pre = cclient.options(
        path + "/review",
        headers={
            "Origin": WIDGET_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == WIDGET_ORIGIN
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in pre.headers
    evil = {"Origin": "https://evil.example"}
    assert "Access-Control-Allow-Origin" not in cclient.get(path, headers={**JSON, **evil}).headers
    r = cclient.post(path + "/review", json={}, headers=evil)
    assert r.status_code == 403
    ok = cclient.get(path, headers={**JSON, "Origin": WIDGET_ORIGIN})
    assert ok.headers["Access-Control-Allow-Origin"] == WIDGET_ORIGIN
    assert "Origin" in ok.headers["Vary"] and "Accept" in ok.headers["Vary"]


def test_widget_script_is_public_javascript(cclient: FlaskClient) -> None:
    r = cclient.get("/widget.js", headers={"Origin": WIDGET_ORIGIN})
    assert r.status_code == 200
    assert r.mimetype == "text/javascript"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Access-Control-Allow-Origin"] == WIDGET_ORIGIN
    source = r.get_data(as_text=True)
    assert "innerHTML" not in source and 'credentials: "omit"' in source


def test_demo_is_off_by_default(cclient: FlaskClient) -> None:
    assert cclient.get("/demo").status_code == 404


def test_link_is_stable_and_expires_from_the_decision(capp: Flask) -> None:
    """The same decision always gets the same link, and its age counts from creation."""
    service = capp.extensions["explainer"]
    decision_id, path = make(capp, "Refund", "Please refund my order")
    again = service.with_links(service.get(decision_id)).links.why
    assert again.endswith(path)
    old = service.signer.token(decision_id, time.time() - 91 * 86_400)
    assert service.signer.decision_id(old) is None
    future = service.signer.token(decision_id, time.time() + 86_400)
    assert service.signer.decision_id(future) is None
