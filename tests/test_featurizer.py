"""The serving featurizer (both its paths) equals the fitted ColumnTransformer, to 1e-12."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from evaluation_data import shared_data
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.model.compile import compile_column_transformer
from explainer.model.featurizer import Featurizer
from explainer.model.linear import LinearModel
from explainer.model.registry import load_models
from explainer.model.text import words
from explainer.training.datasets import demo_data, model_frame
from explainer.training.pipeline import build_pipeline
from explainer.training.train import spec_for_columns

TOL = 1e-12


@pytest.fixture(scope="module")
def models(models_dir: Path) -> dict[str, LinearModel]:
    return load_models(models_dir, pipeline=True)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """2,400 demo tickets from a seed the session models were not trained on."""
    return demo_data(2_400, seed=7).frame


def _dense(featurizer: Featurizer, text: str, fields: dict[str, object]) -> np.ndarray:
    row = featurizer.row(text, fields)
    assert np.all(np.diff(row.cols) > 0), "text columns must be sorted and unique"
    # The re-run path (no tracing back to tokens) must give the very same vector.
    cols, vals = featurizer.vector(words(text))
    assert np.array_equal(cols, row.cols)
    assert np.max(np.abs(vals - row.vals), initial=0.0) <= TOL
    out = np.zeros(featurizer.n_features)
    out[row.cols] = row.vals
    out[featurizer.account_cols] = row.account
    return out


def _assert_rows_equal(featurizer: Featurizer, features: object, frame: pd.DataFrame) -> int:
    matrix = features.transform(frame).tocsr()  # type: ignore[attr-defined]
    assert matrix.shape == (len(frame), featurizer.n_features)
    records = frame.to_dict("records")
    worst = 0.0
    for i, rec in enumerate(records):
        ours = _dense(featurizer, str(rec["text"]), rec)
        theirs = matrix[i].toarray().ravel()
        worst = max(worst, float(np.max(np.abs(ours - theirs))))
        assert worst <= TOL, f"row {i} differs by {worst:.3g}: {rec['text']!r}"
    return len(records)


@pytest.mark.parametrize("name", ["intent", "priority"])
def test_featurizer_equals_pipeline_on_demo_tickets(
    models: dict[str, LinearModel], frame: pd.DataFrame, name: str
) -> None:
    model = models[name]
    features = model.pipeline.named_steps["features"]
    cols = ["text", *model.account_fields]
    assert _assert_rows_equal(model.featurizer, features, frame[cols]) >= 2_000


def test_featurizer_account_part_is_at_account_cols(models: dict[str, LinearModel]) -> None:
    model = models["priority"]
    acc = model.featurizer.account_cols
    assert acc.size == 4 + 5 + 2  # four plans, five channels, two numbers
    assert set(acc.tolist()).isdisjoint(range(int(acc.min())))  # account columns come last
    fields = {"channel": "phone", "plan": "business", "account_age_days": 0, "open_tickets": 3}
    values = model.featurizer.account_values(fields)
    assert values[:9].sum() == 2.0  # exactly one plan and one channel are on


@settings(deadline=None, max_examples=120)
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=200,
    ),
    extra=st.sampled_from(["", " [EMAIL] ", " Can't log in!! ", " İstanbul ß ﬁle ", "\n"]),
)
def test_featurizer_equals_pipeline_on_any_text(
    models: dict[str, LinearModel], text: str, extra: str
) -> None:
    for model in models.values():
        fields = {"channel": "chat", "plan": "pro", "account_age_days": 40, "open_tickets": 1}
        frame = pd.DataFrame([{"text": text + extra + text, **fields}])
        features = model.pipeline.named_steps["features"]
        _assert_rows_equal(model.featurizer, features, frame[["text", *model.account_fields]])


def test_unknown_category_gives_all_zero_one_hot(models: dict[str, LinearModel]) -> None:
    model = models["priority"]
    fields = {"channel": "fax", "plan": "pro", "account_age_days": 1, "open_tickets": 0}
    frame = pd.DataFrame([{"text": "hello", **fields}])
    _assert_rows_equal(model.featurizer, model.pipeline.named_steps["features"], frame)


def test_featurizer_equals_pipeline_on_banking77_text() -> None:
    """Export-style features (char_min_df=2) fitted on banking77, compared on its test set."""
    train = pd.read_csv(shared_data("banking77/train.csv"))
    test = pd.read_csv(shared_data("banking77/test.csv"))
    print(f"using the shared banking77 data: {len(train)} train, {len(test)} test rows")
    features = build_pipeline(spec_for_columns([], False)).named_steps["features"]
    as_frame = lambda df: model_frame([""] * len(df), df["text"].tolist(), {})  # noqa: E731
    features.fit(as_frame(train))
    featurizer = compile_column_transformer(features)
    assert _assert_rows_equal(featurizer, features, as_frame(test)) == len(test)


def test_models_fitted_on_the_same_texts_share_one_text_featurization(models_dir: Path) -> None:
    """Intent and priority read the same vocabulary, so a ticket's text is featurized once."""
    models = load_models(models_dir)
    intent, priority = models["intent"].featurizer, models["priority"].featurizer
    assert priority.shares_text_with(intent)
    text, fields = "Refund\nI was charged twice, please refund", {"plan": "pro", "channel": "chat"}
    shared = priority.row(text, fields, like=intent.row(text, fields))
    alone = Featurizer(list(priority.blocks), priority.account_blocks, priority.n_features)
    own = alone.row(text, fields)
    assert np.array_equal(shared.cols, own.cols) and np.allclose(shared.vals, own.vals)
    assert np.array_equal(shared.account, own.account)
