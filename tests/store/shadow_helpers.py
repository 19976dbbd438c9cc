"""A seeded store for the release tests, and a candidate with a planted bias."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from store_helpers import ticket

from explainer.model import serving
from explainer.model.registry import load_model, sha256_file
from explainer.service import Service
from explainer.settings import Settings
from explainer.training import corpus

__all__ = ["plant_bias", "seeded_service"]


def seeded_service(
    db_url: str, models_dir: Path, tmp: Path, n: int = 300, reviewed: int = 200
) -> tuple[Service, list[dict[str, Any]]]:
    """A service over a copy of ``models_dir`` with ``n`` stored decisions, the first
    ``reviewed`` of them reviewed with the corpus's true labels, the last one erased."""
    shutil.copytree(models_dir, tmp / "models")
    settings = Settings.load(
        {
            "DATABASE_URL": db_url,
            "MODELS_DIR": str(tmp / "models"),
            "INSTANCE_PATH": str(tmp / "instance"),
            "HEAD_INTERVAL_SECONDS": 3600,
            "CHECKPOINT_EVERY": 1000,
        }
    )
    service = Service.from_settings(settings)
    service.admin.upgrade()
    rows = []
    for t in corpus.generate(n, 11):
        made, _ = service.create(ticket(t.row), idempotency_key=None, api_key_id=None)
        rows.append({**t.row, "decision_id": made.id})
    for r in rows[:reviewed]:
        labels = {"intent": r["intent"], "priority": r["priority"]}
        service.store.resolve_review(r["decision_id"], "reviewer", labels, None, "checked")
    service.admin.erase_customer(rows[-1]["customer_id"])
    return service, rows


def plant_bias(
    candidate: Path, field: str = "plan", value: str = "free", label: str = "low"
) -> str:
    """Make the candidate's priority model send every ``field = value`` ticket towards
    ``label``: a new version in the candidate folder, made current there; its name."""
    model = load_model(candidate, "priority")
    block = next(b for b in model.featurizer.account_blocks if b.field == field)
    assert block.columns is not None
    model.coef_t[block.columns[value], model.classes.index(label)] += 8.0
    version = f"{model.version}-biased"
    folder = candidate / "priority" / version
    shutil.copytree(candidate / "priority" / model.version, folder)
    files = serving.write(model, folder)
    card = {
        **model.card,
        "version": version,
        "serving": {**model.card["serving"], "sha256": {f: sha256_file(folder / f) for f in files}},
    }
    (folder / "model.json").write_text(json.dumps(card, indent=2, sort_keys=True), "utf-8")
    (candidate / "priority" / "current").write_text(version + "\n", "utf-8")
    return version
