"""The floor: a bare Flask JSON endpoint that does nothing, served like ours.

Any path, GET or POST, answers ``{"status": "ok"}`` without reading the body. It is
the most a Flask app under the same gunicorn configuration can answer on this machine.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify

__all__ = ["create_app"]


class _Nothing:
    """Stands in for the service ``explainer serve``'s worker hooks call."""

    def close(self) -> None:
        """Nothing to release."""

    def start_maintenance(self) -> None:
        """No purge to run."""

    def shutdown(self) -> None:
        """Nothing to sign or stop."""


def create_app() -> Flask:
    """A Flask app with one catch-all JSON endpoint."""
    app = Flask("bench_floor")
    app.extensions["explainer"] = _Nothing()

    def floor(path: str = "") -> Response:
        return jsonify({"status": "ok"})

    app.add_url_rule("/", "root", floor, methods=["GET", "POST"])
    app.add_url_rule("/<path:path>", "floor", floor, methods=["GET", "POST"])
    return app
