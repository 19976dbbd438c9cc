"""The baselines, called the way their documentation shows, on the intent model.

Each returns per-ticket timings and each ticket's top word (lower-cased) for the
predicted intent, so agreement with our top reason can be counted.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bench.common import Timing, timed
from explainer.explain.attribution import explain_row
from explainer.explain.grouping import Layout, group_attributions
from explainer.model.linear import LinearModel

with warnings.catch_warnings():
    # shap imports matplotlib, whose colour maps warn on import: not ours to fix.
    warnings.simplefilter("ignore")
    import shap
    from lime.lime_text import LimeTextExplainer

_WORD = re.compile(r"\w\w+")


@dataclass(frozen=True)
class Case:
    """One redacted ticket as the intent model sees it, and our answer for it."""

    text: str
    subject_len: int
    fields: dict[str, Any]
    label: int
    contrast: int
    our_top: frozenset[str]  # the words of our top positive text reason


@dataclass(frozen=True)
class Result:
    """One baseline's measured times and top words."""

    name: str
    explains: str
    timing: Timing
    top: list[str | None]
    settings: str = ""


def _proba(model: LinearModel) -> Any:
    pipe = model.pipeline

    def f(texts: Sequence[str]) -> np.ndarray:
        return np.asarray(pipe.predict_proba(pd.DataFrame({"text": list(texts)})))

    return f


def _first_word(token: str) -> str | None:
    m = _WORD.search(token.lower())
    return m.group() if m else None


def partition(model: LinearModel, cases: Sequence[Case]) -> Result:
    """shap's Partition explainer on raw text, explaining class probabilities."""
    explainer = shap.Explainer(_proba(model), shap.maskers.Text(), output_names=model.classes)

    def one(case: Case) -> str | None:
        ex = explainer([case.text], silent=True)
        values = np.asarray(ex.values[0])[:, case.label]
        return _first_word(str(ex.data[0][int(np.argmax(values))]))

    one(cases[0])  # warm-up: first-call set-up is not per-ticket cost
    timing, top = timed(one, cases)
    return Result("shap Partition (text masker)", "probability of the label", timing, top)


def linear_usual(model: LinearModel, cases: Sequence[Case], background: pd.DataFrame) -> Result:
    """shap.LinearExplainer(clf, 100 background rows) + explainer(X_row), pandas in front."""
    features = model.pipeline.named_steps["features"]
    clf = model.pipeline.named_steps["clf"]
    explainer = shap.LinearExplainer(clf, features.transform(background))

    def one(case: Case) -> str | None:
        x = features.transform(pd.DataFrame({"text": [case.text]}))
        phi = np.asarray(explainer(x).values[0])  # (features, classes), logits
        return _top_word(model, case, phi[:, case.label])

    one(cases[0])
    timing, top = timed(one, cases)
    return Result(
        "shap LinearExplainer (usual call)", "logit of the label vs background mean", timing, top
    )


def _top_word(model: LinearModel, case: Case, phi: np.ndarray) -> str | None:
    """Sum one class's feature values onto words with our grouping; the top word."""
    row = model.row(case.text, case.fields)
    ours = explain_row(model, row)
    attr = ours._replace(
        text_values=phi[row.cols], account_values=phi[model.featurizer.account_cols]
    )
    layout = Layout.of(row.tokens, case.text, case.subject_len)
    groups = group_attributions(model, row, attr, layout, case.fields)
    best = max((g for g in groups if g.kind == "text"), key=lambda g: g.value, default=None)
    return best.feature[5:] if best is not None else None


def lime_text(model: LinearModel, cases: Sequence[Case], samples: int) -> Result:
    """LIME's text explainer: a weighted local linear surrogate on word presence."""
    explainer = LimeTextExplainer(class_names=model.classes, random_state=0)
    f = _proba(model)

    def one(case: Case) -> str | None:
        ex = explainer.explain_instance(
            case.text, f, num_features=6, num_samples=samples, labels=(case.label,)
        )
        pairs = ex.as_list(label=case.label)
        return _first_word(max(pairs, key=lambda kv: kv[1])[0]) if pairs else None

    one(cases[0])
    timing, top = timed(one, cases)
    return Result("LIME text", "probability of the label", timing, top, f"{samples:,} samples")


def kernel(model: LinearModel, cases: Sequence[Case], samples: int | str) -> Result:
    """KernelExplainer over word presence, background the empty message, logit margin."""
    from explainer.model.text import tokenize

    f = _proba(model)

    def one(case: Case) -> str | None:
        words = [t.text for t in tokenize(case.text)]
        if not words:
            return None

        def margin(masks: np.ndarray) -> np.ndarray:
            texts = [" ".join(w for w, keep in zip(words, m, strict=True) if keep) for m in masks]
            p = np.clip(f(texts), 1e-300, None)
            return np.asarray(np.log(p[:, case.label]) - np.log(p[:, case.contrast]))

        explainer = shap.KernelExplainer(margin, np.zeros((1, len(words))))
        phi = np.asarray(
            explainer.shap_values(np.ones((1, len(words))), nsamples=samples, silent=True)
        )
        return words[int(np.argmax(phi.reshape(-1)))]

    timing, top = timed(one, cases)
    return Result(
        "shap KernelExplainer (word masks)",
        "log-odds margin label vs runner-up",
        timing,
        top,
        f"nsamples={samples}",
    )
