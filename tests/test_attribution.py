"""Exact attributions: additivity, equality with shap.LinearExplainer, predictions."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.explain.attribution import METHOD, OUTPUT_SPACE, MarginAttribution, explain_row
from explainer.model.featurizer import Row
from explainer.model.linear import LinearModel, softmax
from explainer.model.registry import load_models
from explainer.training.datasets import demo_data

with warnings.catch_warnings():
    # shap imports matplotlib, whose colour maps warn on import: not ours to fix.
    warnings.simplefilter("ignore")
    import shap

TOL = 1e-9
CHUNK = 50  # shap's dense output is rows x features x classes


@pytest.fixture(scope="module")
def models(models_dir: Path) -> dict[str, LinearModel]:
    return load_models(models_dir, pipeline=True)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """1,000 demo tickets from a seed the session models were not trained on."""
    return demo_data(1_000, seed=11).frame


def _rows(model: LinearModel, frame: pd.DataFrame) -> list[tuple[Row, MarginAttribution]]:
    out = []
    for rec in frame.to_dict("records"):
        row = model.row(str(rec["text"]), rec)
        out.append((row, explain_row(model, row)))
    return out


def _baseline_vector(model: LinearModel) -> np.ndarray:
    """An empty message from a typical customer, in feature space (1 x n_features)."""
    b = np.zeros((1, model.featurizer.n_features))
    b[0, model.featurizer.account_cols] = model.baseline_account
    return b


def _dense_phi(model: LinearModel, row: Row, attr: MarginAttribution) -> np.ndarray:
    out = np.zeros(model.featurizer.n_features)
    out[row.cols] = attr.text_values
    out[model.featurizer.account_cols] = attr.account_values
    return out


@pytest.mark.parametrize("name", ["intent", "priority"])
def test_additivity(models: dict[str, LinearModel], frame: pd.DataFrame, name: str) -> None:
    explained = _rows(models[name], frame)
    assert len(explained) == 1_000
    worst = max(abs(attr.additivity_error) for _, attr in explained)
    assert worst <= TOL
    for _, attr in explained:
        assert attr.label != attr.contrast
        assert attr.output_value >= 0  # the label is the arg-max, so its margin is non-negative


@pytest.mark.parametrize("name", ["intent", "priority"])
def test_margin_attributions_equal_shap_linear_explainer(
    models: dict[str, LinearModel], frame: pd.DataFrame, name: str
) -> None:
    model = models[name]
    clf = model.pipeline.named_steps["clf"]
    features = model.pipeline.named_steps["features"]
    # Serving explains the calibrated scores: the fitted weights over the card's temperature.
    t = model.temperature
    explainer = shap.LinearExplainer((clf.coef_ / t, clf.intercept_ / t), _baseline_vector(model))
    expected = np.asarray(explainer.expected_value)
    explained = _rows(model, frame)
    cols = ["text", *model.account_fields]
    for lo in range(0, len(frame), CHUNK):
        x = features.transform(frame[cols].iloc[lo : lo + CHUNK]).toarray()
        phi = np.asarray(explainer.shap_values(x))  # (rows, features, classes), logits
        for k, (row, attr) in enumerate(explained[lo : lo + CHUNK]):
            c, r = attr.label, attr.contrast
            theirs = phi[k, :, c] - phi[k, :, r]
            ours = _dense_phi(model, row, attr)
            assert np.max(np.abs(ours - theirs)) <= TOL
            assert abs(attr.base_value - (expected[c] - expected[r])) <= TOL


@pytest.mark.parametrize("name", ["intent", "priority"])
def test_logits_and_probabilities_equal_pipeline(
    models: dict[str, LinearModel], frame: pd.DataFrame, name: str
) -> None:
    model = models[name]
    cols = ["text", *model.account_fields]
    decision = model.pipeline.decision_function(frame[cols]) / model.temperature
    proba = np.exp(decision - decision.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    for i, (row, attr) in enumerate(_rows(model, frame)):
        assert np.max(np.abs(attr.probabilities - proba[i])) <= TOL
        assert np.max(np.abs(model.logits(row) - decision[i])) <= TOL
        assert model.classes[attr.label] == model.classes[int(np.argmax(proba[i]))]


def test_empty_message_from_typical_customer_is_the_base_value(
    models: dict[str, LinearModel],
) -> None:
    model = models["priority"]
    row = model.row("\n", model.baseline_fields)
    attr = explain_row(model, row)
    assert row.cols.size == 0
    assert np.all(attr.account_values == 0.0)
    assert attr.output_value == pytest.approx(attr.base_value, abs=1e-12)


def test_softmax_is_stable_for_large_scores() -> None:
    p = softmax(np.array([1000.0, 999.0, -1000.0]))
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    assert p[0] / p[1] == pytest.approx(np.e)


def test_method_and_output_space_names() -> None:
    assert METHOD == "exact-linear"
    assert OUTPUT_SPACE == "log-odds margin"


@settings(deadline=None, max_examples=60)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "refund",
                "charged",
                "twice",
                "urgent",
                "password",
                "login",
                "outage",
                "down",
                "cancel",
                "invoice",
                "the",
                "shipping",
                "parcel",
                "broken",
                "crash",
                "feature",
                "please",
                "help",
                "asap",
                "[EMAIL]",
                "can't",
            ]
        ),
        max_size=40,
    ),
    plan=st.sampled_from(["free", "pro", "business", "enterprise"]),
    age=st.integers(0, 5_000),
    open_tickets=st.integers(0, 50),
)
def test_additivity_property(
    models: dict[str, LinearModel], words: list[str], plan: str, age: int, open_tickets: int
) -> None:
    fields = {"channel": "web", "plan": plan, "account_age_days": age, "open_tickets": open_tickets}
    for model in models.values():
        attr = explain_row(model, model.row("\n" + " ".join(words), fields))
        assert abs(attr.additivity_error) <= TOL
        assert np.isclose(attr.probabilities.sum(), 1.0)
