"""Application wiring: configuration, the service, blueprints, errors, headers, metrics."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify
from jinja2 import StrictUndefined

from explainer.config import load_config
from explainer.service import Service, settle_secret_key
from explainer.web import api, metrics, openapi, oversight, problems, security

__all__ = ["TEMPLATES", "build_app"]

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATES = PACKAGE.parent / "templates"


def build_app(config: dict[str, Any] | None = None) -> Flask:
    """Build one application: models are loaded once here, never at import time."""
    settings = load_config(config)
    settings["SECRET_KEY"] = settle_secret_key(settings)
    # root_path and instance_path are explicit: an editable install may import the package
    # as a namespace, whose relative path entry makes Flask's own lookup fail.
    app = Flask(
        "explainer",
        root_path=str(PACKAGE),
        instance_path=str(Path(settings["INSTANCE_PATH"]).resolve()),
        template_folder=str(TEMPLATES),
    )
    app.config.update(settings)
    app.jinja_env.autoescape = True
    app.jinja_env.undefined = StrictUndefined
    app.extensions["explainer"] = Service.from_config(settings)
    problems.init_app(app)
    security.init_app(app)
    metrics.init_app(app)
    _register_blueprints(app, settings)
    oversight.init_app(app)  # the audit console's reports
    _register_probes(app)
    return app


def _register_blueprints(app: Flask, settings: dict[str, Any]) -> None:
    from explainer.web import auditor, customer

    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(customer.bp)
    app.register_blueprint(auditor.bp)
    if settings.get("DEMO"):
        try:
            demo = importlib.import_module("explainer.web.demo")
        except ModuleNotFoundError:  # the demo blueprint is optional
            return
        app.register_blueprint(demo.bp)


def _register_probes(app: Flask) -> None:
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    def readyz() -> tuple[Response, int]:
        service: Service = app.extensions["explainer"]
        checks = service.ready()
        ok = all(checks.values())
        body = {"status": "ok" if ok else "unavailable", "checks": checks}
        return jsonify(body), 200 if ok else 503

    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    app.add_url_rule("/readyz", "readyz", readyz, methods=["GET"])
