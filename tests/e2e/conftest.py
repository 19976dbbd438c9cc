"""End-to-end fixtures: the real app on a real port, a second site on another origin,
and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import html
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from explainer.web.app import build_app

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass(frozen=True)
class Site:
    """The Explainer server and the help-centre site that embeds its widget."""

    url: str
    other: str
    app: Flask


class _Embedder(BaseHTTPRequestHandler):
    """Another origin's help page: ``/help?why=<url>`` embeds widget.js under a strict CSP."""

    explainer = ""

    def do_GET(self) -> None:  # http.server calls it by this name
        if not self.path.startswith("/help"):
            self.send_response(204)
            self.end_headers()
            return
        why = parse_qs(urlsplit(self.path).query).get("why", [""])[0]
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Acme help centre</title></head><body><main><h1>Your ticket</h1>"
            "<p>We are on it. Curious how it was sorted?</p>"
            f'<script src="{html.escape(self.explainer)}/widget.js" '
            f'data-why-url="{html.escape(why)}"></script></main></body></html>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        origin = self.explainer
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src {origin}; style-src {origin}; connect-src {origin}",
        )
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


def _serve(server: Any) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture(scope="session")
def site(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Both servers, started once for the session."""
    tmp = tmp_path_factory.mktemp("e2e")
    handler = type("Embedder", (_Embedder,), {})
    other = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    other_url = f"http://127.0.0.1:{other.server_port}"
    app = build_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'explainer.db'}",
            "MODELS_DIR": str(models_dir),
            "INSTANCE_PATH": str(tmp / "instance"),
            "SECRET_KEY": "e2e-secret",
            "DEMO": True,
            "WIDGET_ORIGINS": [other_url],
        }
    )
    app.extensions["explainer"].store.upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    service = app.extensions["explainer"]  # links name the port the server got
    service.settings = service.settings.model_copy(update={"public_url": url})
    handler.explainer = url
    _serve(server), _serve(other)
    yield Site(url, other_url, app)
    for running in (server, other):
        running.shutdown()
        running.server_close()
    app.extensions["explainer"].close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless; skipped (failed under CI) when it is missing."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is required under CI (bash .ci/system-deps installs it)")
        pytest.skip(f"{CHROMIUM} is missing; run `bash .ci/system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()
