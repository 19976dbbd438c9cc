"""What a team would build without explanations: both pipelines, predict_proba, INSERT.

``POST /`` (any path) takes the same ticket JSON as ``POST /api/v1/decisions``, runs
the intent and priority models as their fitted scikit-learn pipelines
(``predict_proba`` on a one-row DataFrame, the documented way), inserts the labels,
probabilities and the ticket into one table of the same kind of database, and returns
the result. No authentication, redaction, explanation, wording or tamper-evident log.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from flask import Flask, Response, jsonify, request
from sqlalchemy import JSON, Column, DateTime, Engine, Float, MetaData, String, Table, insert

from explainer.model.registry import load_models
from explainer.store.engine import make_engine

__all__ = ["create_app"]

_META = MetaData()
TABLE = Table(
    "bench_pipeline_decisions",
    _META,
    Column("id", String(40), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("intent", String(100)),
    Column("intent_confidence", Float),
    Column("priority", String(100)),
    Column("priority_confidence", Float),
    Column("probabilities", JSON),
    Column("ticket", JSON),
)


class _Db:
    """The engine, closed after the fork like the service's store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def close(self) -> None:
        """Drop inherited pooled connections."""
        self.engine.dispose()

    def start_maintenance(self) -> None:
        """No purge to run."""

    def shutdown(self) -> None:
        """Close, as on a clean stop."""
        self.engine.dispose()


def _frame(ticket: dict[str, Any], columns: list[str]) -> pd.DataFrame:
    customer = ticket.get("customer") or {}
    values = {
        "text": f"{ticket.get('subject', '')}\n{ticket.get('body', '')}",
        "channel": ticket.get("channel", "email"),
        "plan": customer.get("plan", "free"),
        "account_age_days": customer.get("account_age_days", 0),
        "open_tickets": customer.get("open_tickets", 0),
    }
    return pd.DataFrame({c: [values[c]] for c in columns})


def create_app(database_url: str | None = None, models_dir: str | None = None) -> Flask:
    """The baseline app over ``database_url`` (default ``EXPLAINER_DATABASE_URL``)."""
    url = database_url or os.environ["EXPLAINER_DATABASE_URL"]
    where = Path(models_dir or os.environ.get("EXPLAINER_MODELS_DIR") or "models")
    pipes = {name: m.pipeline for name, m in load_models(where, pipeline=True).items()}
    columns = {name: _columns(p) for name, p in pipes.items()}
    engine = make_engine(url)
    _META.create_all(engine)
    app = Flask("bench_pipeline")
    app.extensions["explainer"] = _Db(engine)

    def decide(path: str = "") -> tuple[Response, int]:
        ticket = request.get_json()
        row: dict[str, Any] = {"id": uuid.uuid4().hex, "created_at": datetime.now(UTC)}
        probabilities = {}
        for name, pipe in pipes.items():
            proba = pipe.predict_proba(_frame(ticket, columns[name]))[0]
            best = int(proba.argmax())
            row[name] = str(pipe.classes_[best])
            row[f"{name}_confidence"] = float(proba[best])
            probabilities[name] = dict(zip(map(str, pipe.classes_), proba.tolist(), strict=True))
        row["probabilities"] = probabilities
        row["ticket"] = ticket
        with engine.begin() as conn:
            conn.execute(insert(TABLE).values(**row))
        out = {**row, "created_at": row["created_at"].isoformat(), "ticket": None}
        return jsonify(out), 201

    app.add_url_rule("/", "root", decide, methods=["POST"])
    app.add_url_rule("/<path:path>", "decide", decide, methods=["POST"])
    return app


def _columns(pipeline: Any) -> list[str]:
    """The input columns the pipeline's ColumnTransformer reads, ``text`` first."""
    features = pipeline.named_steps["features"]
    seen: list[str] = []
    for _name, _transformer, cols in features.transformers:
        for col in [cols] if isinstance(cols, str) else list(cols):
            if col not in seen:
                seen.append(col)
    return seen
