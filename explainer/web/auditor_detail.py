"""The auditor's view of one stored decision, assembled without Flask.

Both models' explanations (table + waterfall geometry), the model cards of the exact
versions the decision cites, the customer text as stored, people's records and the
inclusion proof status.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from explainer.errors import ExplainerError
from explainer.registry import load_card
from explainer.web.charts import waterfall

__all__ = ["MODELS", "card_summary", "decision_view", "label_choices"]

MODELS = ("intent", "priority")


def label_choices(cards: Mapping[str, Mapping[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """``{model: [{"label", "display"}, ...]}`` from the cards in service."""
    return {
        name: [
            {"label": str(c["label"]), "display": str(c.get("display") or c["label"])}
            for c in (cards.get(name) or {}).get("classes", [])
        ]
        for name in MODELS
    }


def card_summary(card: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The parts of a model card an auditor reads first."""
    if not card:
        return None
    held_out = (card.get("metrics") or {}).get("held_out") or {}
    data = card.get("training_data") or {}
    return {
        "name": card.get("name"),
        "version": card.get("version"),
        "sha256": card.get("sha256"),
        "family": card.get("family"),
        "method": card.get("method"),
        "created_at": card.get("created_at"),
        "accuracy": held_out.get("accuracy"),
        "macro_f1": held_out.get("macro_f1"),
        "rows": data.get("rows"),
        "source": data.get("source"),
        "baseline": (card.get("baseline") or {}).get("description"),
        "classes": len(card.get("classes") or []),
        "excluded": card.get("audit_attributes_excluded") or [],
    }


def _card_for(models_dir: Path, block: Mapping[str, Any]) -> dict[str, Any] | None:
    model = block.get("model") or {}
    try:
        return card_summary(load_card(models_dir, str(model["name"]), str(model["version"])))
    except (ExplainerError, KeyError, OSError):
        return None  # the version is no longer on disk: the decision still shows


def _model_view(name: str, block: Mapping[str, Any], models_dir: Path) -> dict[str, Any]:
    ex = block.get("explanation") or {}
    attributions = list(ex.get("attributions") or [])
    items = [(str(a.get("display") or a.get("feature")), float(a["value"])) for a in attributions]
    base, output = float(ex.get("base_value", 0.0)), float(ex.get("output_value", 0.0))
    return {
        "name": name,
        "label": block.get("label"),
        "display": block.get("display"),
        "confidence": block.get("confidence"),
        "model": block.get("model") or {},
        "method": ex.get("method"),
        "output_space": ex.get("output_space"),
        "contrast": ex.get("contrast"),
        "baseline": ex.get("baseline"),
        "base_value": base,
        "output_value": output,
        "additivity_error": ex.get("additivity_error"),
        "attributions": sorted(attributions, key=lambda a: -abs(float(a["value"]))),
        "chart": waterfall(base, items, output),
        "card": _card_for(models_dir, block),
    }


def decision_view(
    decision: Mapping[str, Any],
    history: Mapping[str, Any],
    proof: Mapping[str, Any] | None,
    models_dir: Path,
) -> dict[str, Any]:
    """Everything the detail page lays out."""
    ticket = decision.get("ticket") or {}
    return {
        "id": decision.get("id"),
        "created_at": decision.get("created_at"),
        "erased": bool(decision.get("erased")),
        "ticket": ticket,
        "customer_block": decision.get("customer") or {},
        "models": [
            _model_view(name, decision[name], models_dir) for name in MODELS if decision.get(name)
        ],
        "reviews": history.get("reviews", []),
        "resolutions": history.get("resolutions", []),
        "feedback": history.get("feedback", []),
        "proof": proof,
        "item": {
            "id": decision.get("id"),
            **{m: (decision.get(m) or {}).get("label") for m in MODELS},
        },
    }
