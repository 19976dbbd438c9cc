"""The auditor's view of one stored decision, assembled without Flask.

Both models' explanations (table + waterfall geometry), the model cards of the exact
versions the decision cites, the customer text as stored, people's records and the
inclusion proof status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from explainer.model.registry import MODEL_NAMES as MODELS
from explainer.service.console import DecisionRecord
from explainer.web.auditor.charts import waterfall

__all__ = ["CardLookup", "card_summary", "decision_view"]

CardLookup = Callable[[str, str], dict[str, Any] | None]


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
        "calibration": _calibration(card.get("calibration") or {}),
    }


def _calibration(cal: Mapping[str, Any]) -> str | None:
    """One line: the ECE of the confidence shown, and what each calibration step did."""
    if "ece" not in cal:
        return None
    steps = [f"{cal['ece_before']:.3f} uncalibrated"] if "ece_before" in cal else []
    if "ece_temperature" in cal:
        steps.append(f"{cal['ece_temperature']:.3f} after temperature {cal['temperature']:g}")
        steps.append(f"{cal['ece']:.3f} after the top-label map")
    else:
        steps.append(f"{cal['ece']:.3f} after temperature {cal.get('temperature', 1):g}")
    return "ECE " + ", ".join(steps) + f" (held-out, {cal.get('measured_on', '?')} tickets)"


def _card_for(card: CardLookup, block: Mapping[str, Any]) -> dict[str, Any] | None:
    model = block.get("model") or {}
    if "name" not in model or "version" not in model:
        return None
    return card_summary(card(str(model["name"]), str(model["version"])))


def _model_view(name: str, block: Mapping[str, Any], card: CardLookup) -> dict[str, Any]:
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
        "card": _card_for(card, block),
    }


def decision_view(record: DecisionRecord, card: CardLookup) -> dict[str, Any]:
    """Everything the detail page lays out."""
    decision = record.decision.wire()
    ticket = decision.get("ticket") or {}
    return {
        "id": decision.get("id"),
        "created_at": decision.get("created_at"),
        "erased": bool(decision.get("erased")),
        "ticket": ticket,
        "handoff": decision.get("handoff") or {},
        "customer_block": decision.get("customer") or {},
        "models": [
            _model_view(name, decision[name], card) for name in MODELS if decision.get(name)
        ],
        "reviews": record.reviews,
        "resolutions": record.resolutions,
        "feedback": record.feedback,
        "proof": record.proof,
        "accesses": record.accesses,
        "item": {
            "id": decision.get("id"),
            **{m: (decision.get(m) or {}).get("label") for m in MODELS},
        },
    }
