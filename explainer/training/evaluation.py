"""`explainer evaluate`: score the current models on a labelled CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import softmax
from sklearn.metrics import roc_auc_score

from explainer.errors import DataError
from explainer.model.registry import load_models
from explainer.training.calibration import brier, ece, scores_of
from explainer.training.datasets import ColumnMap, read_csv_data
from explainer.training.fit import by_language, metrics

__all__ = ["evaluate_csv", "format_report"]


def evaluate_csv(
    path: Path, cols: ColumnMap, models_dir: Path, progress: Callable[[str], None]
) -> dict[str, Any]:
    """Metrics per evaluated model: ``{"intent": {"accuracy", "macro_f1", ...}, ...}``.

    Probabilities are the calibrated ones serving uses. Rows whose label the model does
    not know count as out of scope: accuracy and calibration are over the known rows,
    and ``open_set`` says how well the top-class probability separates the two.
    """
    models = load_models(models_dir, pipeline=True)
    wanted = {"intent": cols.intent, "priority": cols.priority}
    progress(f"reading and redacting {path}")
    data = read_csv_data(
        path, ColumnMap(cols.text, cols.intent, cols.priority, language=cols.language)
    )
    report: dict[str, Any] = {}
    for name, column in wanted.items():
        if column is None:
            continue
        if name not in models:
            raise DataError(f"no current {name} model under {models_dir}")
        model = models[name]
        frame = data.frame.assign(**{f: model.baseline_fields.get(f) for f in model.account_fields})
        y = data.intent if name == "intent" else data.priority
        assert y is not None
        scores = scores_of(model.pipeline, frame[["text", *model.account_fields]])
        probs = softmax(scores / model.temperature, axis=1)
        pred = np.asarray(model.classes)[probs.argmax(axis=1)]
        top_map = model.confidence_map
        shown = probs.max(axis=1) if top_map is None else top_map(probs.max(axis=1))
        known = y.astype(str).isin(model.classes).to_numpy()
        if not known.any():
            raise DataError(f"none of the {name} labels in {path} is one the model knows")
        y_idx = np.array([model.classes.index(v) for v in y[known].astype(str)], dtype=np.intp)
        report[name] = {
            "model": {"version": model.version, "sha256": model.sha256},
            **metrics(y[known], pred[known], model.classes),
            "calibration": {  # of the confidence shown: after the card's top-label map
                "ece": round(ece(probs[known], y_idx, confidence=shown[known]), 6),
                "brier": round(brier(probs[known], y_idx), 6),
            },
        }
        if data.language is not None:
            report[name]["by_language"] = by_language(
                y[known], pred[known], data.language[known], model.classes
            )
        if not known.all():
            report[name]["open_set"] = open_set(probs.max(axis=1), known, model.abstain_below)
        progress(f"[{name}] accuracy {report[name]['accuracy']:.3f}")
    return report


def open_set(
    top: NDArray[np.float64], known: NDArray[np.bool_], threshold: float | None
) -> dict[str, Any]:
    """How well the top-class probability tells labels the model knows from unknown ones."""
    out: dict[str, Any] = {
        "unknown_rows": int((~known).sum()),
        "known_rows": int(known.sum()),
        "auroc": round(float(roc_auc_score(known, top)), 6),
    }
    if threshold is not None:
        out["threshold"] = threshold
        out["abstained_unknown"] = round(float((top[~known] < threshold).mean()), 6)
        out["abstained_known"] = round(float((top[known] < threshold).mean()), 6)
    return out


def format_report(report: dict[str, Any]) -> str:
    """A readable table per model."""
    lines = []
    for name, r in report.items():
        lines.append(
            f"{name} (version {r['model']['version']}): accuracy {r['accuracy']:.4f}, "
            f"macro-F1 {r['macro_f1']:.4f}, n={r['n']:,}; "
            f"ECE {r['calibration']['ece']:.4f}, Brier {r['calibration']['brier']:.4f}"
        )
        if "open_set" in r:
            o = r["open_set"]
            lines.append(
                f"  open set: {o['unknown_rows']:,} rows with labels the model does not know; "
                f"AUROC {o['auroc']:.3f}"
                + (
                    f", abstained {100 * o['abstained_unknown']:.0f} % of unknown and "
                    f"{100 * o['abstained_known']:.0f} % of known"
                    if "abstained_unknown" in o
                    else ""
                )
            )
        for lang, m in r.get("by_language", {}).items():
            lines.append(
                f"  language {lang}: accuracy {m['accuracy']:.4f}, "
                f"macro-F1 {m['macro_f1']:.4f}, n={m['n']:,}"
            )
        lines.append(f"  {'class':<32} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
        for c, m in r["per_class"].items():
            lines.append(
                f"  {c[:32]:<32} {m['precision']:>9.3f} {m['recall']:>7.3f} "
                f"{m['f1']:>6.3f} {m['support']:>8}"
            )
    return "\n".join(lines)
