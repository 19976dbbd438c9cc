"""`explainer evaluate`: score the current models on a labelled CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from explainer.errors import DataError
from explainer.model.registry import load_models
from explainer.training.datasets import ColumnMap, read_csv_data
from explainer.training.fit import metrics

__all__ = ["evaluate_csv", "format_report"]


def evaluate_csv(
    path: Path, cols: ColumnMap, models_dir: Path, progress: Callable[[str], None]
) -> dict[str, Any]:
    """Metrics per evaluated model: ``{"intent": {"accuracy", "macro_f1", ...}, ...}``."""
    models = load_models(models_dir, pipeline=True)
    wanted = {"intent": cols.intent, "priority": cols.priority}
    progress(f"reading and redacting {path}")
    data = read_csv_data(path, ColumnMap(cols.text, cols.intent, cols.priority))
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
        pred = model.pipeline.predict(frame[["text", *model.account_fields]])
        report[name] = {
            "model": {"version": model.version, "sha256": model.sha256},
            **metrics(y, pred, model.classes),
        }
        progress(f"[{name}] accuracy {report[name]['accuracy']:.3f}")
    return report


def format_report(report: dict[str, Any]) -> str:
    """A readable table per model."""
    lines = []
    for name, r in report.items():
        lines.append(
            f"{name} (version {r['model']['version']}): accuracy {r['accuracy']:.4f}, "
            f"macro-F1 {r['macro_f1']:.4f}, n={r['n']:,}"
        )
        lines.append(f"  {'class':<32} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
        for c, m in r["per_class"].items():
            lines.append(
                f"  {c[:32]:<32} {m['precision']:>9.3f} {m['recall']:>7.3f} "
                f"{m['f1']:>6.3f} {m['support']:>8}"
            )
    return "\n".join(lines)
