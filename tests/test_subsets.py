"""Each word type's effect (the deletion search's arithmetic) against the model
featurizing the edited text afresh.

Deleting the first or the last word, or keeping only the first, forms no new n-gram
across a gap, so there the effects must give exactly the scores of the edited text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from explainer.explain.rerun import Rerun
from explainer.explain.subsets import Side, text_edits, word_effects
from explainer.model.linear import LinearModel
from explainer.model.registry import load_models
from explainer.model.text import tokenize
from explainer.training.datasets import demo_data


@pytest.fixture(scope="module")
def models(models_dir: Path) -> dict[str, LinearModel]:
    return load_models(models_dir)


def _fresh(model: LinearModel, words: list[str], fields: dict[str, object]) -> np.ndarray:
    return model.logits(model.row(" ".join(words), fields))


def test_word_effects_equal_a_fresh_featurization_where_no_n_gram_forms(
    models: dict[str, LinearModel],
) -> None:
    checked = 0
    for name, model in models.items():
        for text in demo_data(60, seed=12).frame["text"]:
            fields = model.baseline_fields
            keys = [t.text for t in tokenize(text)]
            if len(keys) < 3 or keys.count(keys[0]) != 1 or keys.count(keys[-1]) != 1:
                continue
            rerun = Rerun(model, model.row(text, fields))
            edits = text_edits(rerun, lambda _w: True, [True] * len(keys))
            types = edits.types
            assert types == list(dict.fromkeys(keys))
            now, by = word_effects(rerun, edits)
            edited = now.with_each(by).logits() + rerun.fixed  # (side, type, classes)
            first, last = types.index(keys[0]), types.index(keys[-1])
            for got, words in (
                (edited[0, last], keys[:-1]),
                (edited[0, first], keys[1:]),
                (edited[1, first], keys[:1]),
            ):
                assert np.max(np.abs(got - _fresh(model, words, fields))) <= 1e-9, name
            whole = Side(now.scores[0], now.squares[0], now.live[0]).logits() + rerun.fixed
            assert np.max(np.abs(whole - _fresh(model, keys, fields))) <= 1e-9
            checked += 1
    assert checked >= 50


def test_keeping_nothing_scores_like_an_empty_message(
    models: dict[str, LinearModel],
) -> None:
    model = models["intent"]
    fields = model.baseline_fields
    rerun = Rerun(model, model.row("Refund\nPlease refund my order", fields))
    now, _ = word_effects(rerun, text_edits(rerun, lambda w: w == "refund", [True] * 4))
    empty = Side(now.scores[1], now.squares[1], now.live[1]).logits() + rerun.fixed
    assert np.max(np.abs(empty - _fresh(model, [], fields))) <= 1e-9
