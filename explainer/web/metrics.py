"""Prometheus metrics with one registry per app (tests build many apps in one process).

Under gunicorn each worker keeps its own counters; a scrape sees the worker that
answered it. Multi-process aggregation (PROMETHEUS_MULTIPROC_DIR) is not set up.
"""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

from explainer.decision import Decision
from explainer.web.api.auth import require_scope

__all__ = ["Metrics", "init_app", "record_decision"]

_EXTENSION = "explainer.metrics"


class Metrics:
    """The app's collectors."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "explainer_http_requests",
            "HTTP requests by route template, method and status.",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "explainer_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and method.",
            ["endpoint", "method"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
        )
        self.decisions = Counter(
            "explainer_decisions",
            "Stored decisions by model, label and model version.",
            ["model", "label", "version"],
            registry=self.registry,
        )


def init_app(app: Flask) -> None:
    """Attach the collectors, the timing hooks and ``GET /metrics``."""
    app.extensions[_EXTENSION] = Metrics()
    app.before_request(_start)
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", _metrics, methods=["GET"])


def record_decision(decision: Decision) -> None:
    """Count one stored decision under each model that decided it."""
    metrics: Metrics = current_app.extensions[_EXTENSION]
    for _, block in decision.models():
        model = block.model
        metrics.decisions.labels(model.name, block.label, model.version).inc()


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    metrics: Metrics = current_app.extensions[_EXTENSION]
    # The route template, not the path: ids and tokens must not become label values.
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    method = request.method if request.method in _METHODS else "OTHER"
    metrics.requests.labels(endpoint, method, str(response.status_code)).inc()
    started = g.get("metrics_started")
    if started is not None:
        metrics.latency.labels(endpoint, method).observe(time.perf_counter() - started)
    return response


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@require_scope("metrics:read")
def _metrics() -> Response:
    metrics: Metrics = current_app.extensions[_EXTENSION]
    return Response(generate_latest(metrics.registry), content_type=CONTENT_TYPE_LATEST)
