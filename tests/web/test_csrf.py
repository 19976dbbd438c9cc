"""The form token: bound to the client's nonce, one scope and its age; forged, moved,
stale or borrowed tokens are refused, and tokens of the earlier form still pass."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g
from itsdangerous import URLSafeTimedSerializer
from web_helpers import app_config

from explainer.web import csrf
from explainer.web.app import build_app

NONCE = "n" * 32


@pytest.fixture
def quick_app(models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    app = build_app(app_config(f"sqlite:///{tmp_path / 'db.sqlite'}", models_dir, tmp_path))
    yield app
    app.extensions["explainer"].close()


def _issued(app: Flask, scope: str, nonce: str = NONCE) -> str:
    with app.test_request_context("/", headers={"Cookie": f"{csrf.COOKIE}={nonce}"}):
        made = csrf.token(scope)
        assert g.csrf_nonce == nonce  # the client's own nonce is kept
        return made


def _checks(app: Flask, scope: str, sent: str, nonce: str = NONCE) -> bool:
    cookie = {"Cookie": f"{csrf.COOKIE}={nonce}"} if nonce else {}
    with app.test_request_context("/", method="POST", data={csrf.FIELD: sent}, headers=cookie):
        return csrf.valid(scope)


def test_a_token_passes_for_its_scope_and_nonce_only(quick_app: Flask) -> None:
    made = _issued(quick_app, "dec_a")
    assert _checks(quick_app, "dec_a", made)
    assert not _checks(quick_app, "dec_b", made)  # another decision's form
    assert not _checks(quick_app, "dec_a", made, nonce="m" * 32)  # another client's cookie
    assert not _checks(quick_app, "dec_a", made, nonce="")  # no cookie at all
    issued, _, mac = made.partition(".")
    assert not _checks(quick_app, "dec_a", f"{int(issued) + 1}.{mac}")  # moved in time
    flipped = "B" if mac[-1] != "B" else "C"  # one character changed, whatever it was
    assert not _checks(quick_app, "dec_a", f"{issued}.{mac[:-1]}{flipped}")
    for forged in ("", "forged", ".", "1.", "x.y", f"{'9' * 40}.{mac}", f"{issued}.é{mac}"):
        assert not _checks(quick_app, "dec_a", forged)
    assert not _checks(quick_app, "dec_a", f"{issued}²." + mac)  # a digit int() refuses
    assert not _checks(quick_app, "dec_a", made, nonce="é" * 32)  # a crafted cookie


def test_a_stale_or_future_token_is_refused(
    quick_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _issued(quick_app, "demo")
    now = time.time()
    monkeypatch.setattr(csrf.time, "time", lambda: now + csrf._MAX_AGE - 60)
    assert _checks(quick_app, "demo", made)  # a page left open over a weekend
    monkeypatch.setattr(csrf.time, "time", lambda: now + csrf._MAX_AGE + 60)
    assert not _checks(quick_app, "demo", made)
    monkeypatch.setattr(csrf.time, "time", lambda: now - csrf._SKEW - 60)
    assert not _checks(quick_app, "demo", made)  # issued "in the future"


def test_a_token_of_the_earlier_form_still_passes(quick_app: Flask) -> None:
    secret = quick_app.extensions["explainer"].settings.secret
    earlier = str(URLSafeTimedSerializer(secret, salt=csrf._SALT).dumps([NONCE, "dec_a"]))
    assert _checks(quick_app, "dec_a", earlier)
    assert not _checks(quick_app, "dec_b", earlier)
    assert not _checks(quick_app, "dec_a", earlier, nonce="m" * 32)
    other = str(URLSafeTimedSerializer("another", salt=csrf._SALT).dumps([NONCE, "dec_a"]))
    assert not _checks(quick_app, "dec_a", other)
