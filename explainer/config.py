"""Configuration: defaults -> instance file -> EXPLAINER_* environment -> test mapping."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["DEFAULTS", "load_config", "models_dir"]

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": "sqlite:///var/explainer.db",
    "MODELS_DIR": "models",
    "SECRET_KEY": None,  # generated and kept in the instance folder when unset
    "PUBLIC_URL": "http://127.0.0.1:8000",
    "DEMO": False,
    "LINK_MAX_AGE_DAYS": 90,
    "RETENTION_DAYS": 365,
    "WIDGET_ORIGINS": [],
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "INSTANCE_PATH": "var",
    "CHECKPOINT_EVERY": 100,
    "AUDIT_IDLE_MINUTES": 30,  # an idle console session ends after this long
}
_BOOLEAN = {"DEMO"}
_INTEGER = {
    "LINK_MAX_AGE_DAYS",
    "RETENTION_DAYS",
    "MAX_CONTENT_LENGTH",
    "CHECKPOINT_EVERY",
    "AUDIT_IDLE_MINUTES",
}
_LIST = {"WIDGET_ORIGINS"}


def load_config(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Merge the layers; later layers win. The instance file is ``<instance>/config.json``."""
    env = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    instance = Path(
        (overrides or {}).get("INSTANCE_PATH")
        or env.get("EXPLAINER_INSTANCE_PATH")
        or config["INSTANCE_PATH"]
    )
    config["INSTANCE_PATH"] = str(instance)
    file = instance / "config.json"
    if file.is_file():
        config.update(json.loads(file.read_text("utf-8")))
    for key in DEFAULTS:
        raw = env.get(f"EXPLAINER_{key}")
        if raw is not None:
            config[key] = _parse(key, raw)
    config.update(overrides or {})
    return config


def _parse(key: str, raw: str) -> Any:
    if key in _BOOLEAN:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if key in _INTEGER:
        return int(raw)
    if key in _LIST:
        return [s.strip() for s in raw.split(",") if s.strip()]
    return raw


def models_dir() -> Path:
    """The models folder from the environment (``EXPLAINER_MODELS_DIR``) or ``models/``."""
    return Path(os.environ.get("EXPLAINER_MODELS_DIR") or DEFAULTS["MODELS_DIR"])
