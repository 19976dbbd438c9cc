"""Fit a classifier, measure it on held-out data, and describe it in a model card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.pipeline import Pipeline

from explainer.errors import DataError
from explainer.model.cards import BASELINE_TEXT, library_versions
from explainer.model.catalogue import LabelInfo
from explainer.training.pipeline import ModelSpec, build_pipeline

__all__ = ["baseline_fields", "by_language", "fit", "metrics", "model_card"]

Progress = Callable[[str], None]


def fit(spec: ModelSpec, frame: pd.DataFrame, y: pd.Series, progress: Progress) -> Pipeline:
    """Fit the pipeline for ``spec``; refuse labels a classifier cannot learn from."""
    classes = y.value_counts()
    if len(classes) < 2:
        only = classes.index[0] if len(classes) else "nothing"
        raise DataError(f"need at least two different labels to train; found only {only!r}")
    progress(f"fitting on {len(frame):,} rows, {len(classes)} classes")
    pipe = build_pipeline(spec)
    pipe.fit(frame, y.astype(str))
    n_features = pipe.named_steps["clf"].coef_.shape[1]
    progress(f"fitted: {n_features:,} features")
    return pipe


def metrics(y_true: pd.Series, y_pred: np.ndarray, classes: list[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, a per-class table and the confusion matrix."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=classes, zero_division=0)
    per_class = {
        c: {
            "precision": float(p[i]),
            "recall": float(r[i]),
            "f1": float(f[i]),
            "support": int(s[i]),
        }
        for i, c in enumerate(classes)
    }
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(
            f1_score(y_true, y_pred, labels=classes, average="macro", zero_division=0)
        ),
        "n": len(y_true),
        "per_class": per_class,
        "confusion_matrix": {
            "labels": classes,
            "matrix": confusion_matrix(y_true, y_pred, labels=classes).tolist(),
        },
    }


def by_language(
    y_true: pd.Series, y_pred: np.ndarray, language: pd.Series, classes: list[str]
) -> dict[str, dict[str, Any]]:
    """Accuracy and macro-F1 per language (a language is an audit attribute, not an input)."""
    truth, langs = y_true.reset_index(drop=True), language.reset_index(drop=True)
    out = {}
    for lang in sorted(langs.astype(str).unique()):
        mask = (langs.astype(str) == lang).to_numpy()
        pred = np.asarray(y_pred)[mask]
        out[lang] = {
            "n": int(mask.sum()),
            "accuracy": float(accuracy_score(truth[mask], pred)),
            "macro_f1": float(
                f1_score(truth[mask], pred, labels=classes, average="macro", zero_division=0)
            ),
        }
    return out


def baseline_fields(frame: pd.DataFrame, spec: ModelSpec) -> dict[str, Any]:
    """Training median of each numeric account field and mode of each categorical one."""
    out: dict[str, Any] = {}
    for col in spec.categorical:
        out[col] = str(frame[col].astype(str).mode().iloc[0])
    for col in spec.numeric:
        out[col] = round(float(frame[col].astype(float).median()))
    return out


def model_card(
    name: str,
    spec: ModelSpec,
    pipe: Pipeline,
    labels: dict[str, LabelInfo],
    train: dict[str, Any],
    held_out: dict[str, Any] | None,
    baseline: dict[str, Any],
) -> dict[str, Any]:
    """The manifest stored beside the artifact (version and sha256 are added on write)."""
    classes = [str(c) for c in pipe.named_steps["clf"].classes_]
    return {
        "name": name,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "family": "tf-idf word 1-2 grams + char_wb n-grams + account fields, logistic regression",
        "method": "exact-linear",
        "libraries": library_versions(),
        "features": {
            "account_fields": list(spec.account_fields),
            "char_ngram_range": list(spec.char_range),
            "C": spec.c,
            "n_features": int(pipe.named_steps["clf"].coef_.shape[1]),
        },
        "training_data": train,
        "metrics": {"held_out": held_out},
        "classes": [{"label": c, **labels[c].card_dict()} for c in classes],
        "baseline": {"description": BASELINE_TEXT, "fields": baseline},
        "audit_attributes_excluded": ["language", "region"],
    }
