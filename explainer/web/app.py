"""Application wiring (placeholder until the service lands)."""

from __future__ import annotations

from typing import Any

from flask import Flask

__all__ = ["build_app"]


def build_app(config: dict[str, Any] | None = None) -> Flask:
    """A minimal app: the service issue adds the blueprints."""
    app = Flask("explainer")
    app.config.update(config or {})

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
