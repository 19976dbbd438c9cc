"""Application wiring: settings, the service, blueprints, errors, headers, metrics."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response, jsonify
from flask.sessions import NullSession, SessionInterface, SessionMixin
from jinja2 import StrictUndefined
from werkzeug.middleware.proxy_fix import ProxyFix

from explainer.service import Service
from explainer.settings import Settings
from explainer.web import csrf, i18n, metrics, problems, security
from explainer.web.api import openapi
from explainer.web.api import routes as api
from explainer.web.auditor import views as auditor
from explainer.web.context import EXTENSION, service
from explainer.web.customer import demo
from explainer.web.customer import views as customer
from explainer.web.json_provider import FastJSON

__all__ = ["build_app", "template_folder"]

PACKAGE = Path(__file__).resolve().parents[1]


def template_folder() -> Path:
    """The installed templates, or the checkout's top-level ``templates/`` (their source)."""
    installed = Path(str(files("explainer"))) / "templates"
    return installed if installed.is_dir() else PACKAGE.parent / "templates"


def build_app(settings: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build one application: models are loaded once here, never at import time."""
    if not isinstance(settings, Settings):
        settings = Settings.load(settings)
    # root_path and instance_path are explicit: an editable install may import the package
    # as a namespace, whose relative path entry makes Flask's own lookup fail.
    app = Flask(
        "explainer",
        root_path=str(PACKAGE),
        instance_path=str(settings.instance_path.resolve()),
        template_folder=str(template_folder()),
    )
    app.config.update(SECRET_KEY=settings.secret, MAX_CONTENT_LENGTH=settings.max_content_length)
    app.json = FastJSON(app)
    app.session_interface = _NoSession()
    app.jinja_env.autoescape = True
    app.jinja_env.undefined = StrictUndefined
    app.extensions[EXTENSION] = Service.from_settings(settings)
    problems.init_app(app)
    security.init_app(app)
    metrics.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    for blueprint in (api.bp, openapi.bp, customer.bp, auditor.bp):
        app.register_blueprint(blueprint)
    if settings.demo:
        app.register_blueprint(demo.bp)
    _register_probes(app)
    if settings.trusted_proxies:
        # Behind N TLS-terminating proxies: the client address (login throttle, demo
        # limiter) and the scheme (Secure cookies) come from their X-Forwarded headers.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    return app


class _NoSession(SessionInterface):
    """Flask's signed-cookie session stays closed: nothing here uses it (sign-in keeps
    its own server-side session, forms their own CSRF cookie), and opening it built a
    serializer on every request. Writing to ``flask.session`` raises."""

    def open_session(self, app: Flask, request: Request) -> NullSession:
        return self.make_null_session(app)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


def _register_probes(app: Flask) -> None:
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    def readyz() -> tuple[Response, int]:
        checks = service().ready()
        ok = all(checks.values())
        body = {"status": "ok" if ok else "unavailable", "checks": checks}
        return jsonify(body), 200 if ok else 503

    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    app.add_url_rule("/readyz", "readyz", readyz, methods=["GET"])
