"""The incremental re-run gives the scores a fresh featurization gives, edit by edit."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.explain.rerun import Rerun, kept_positions
from explainer.model.linear import LinearModel
from explainer.model.registry import load_models
from explainer.model.text import Token, tokenize
from explainer.training.datasets import demo_data

TOL = 1e-12


@pytest.fixture(scope="module")
def models(models_dir: Path) -> dict[str, LinearModel]:
    return load_models(models_dir)


def _without(text: str, tokens: list[Token], drop: set[int]) -> str:
    """``text`` with the tokens at ``drop`` deleted, everything between them kept."""
    out, last = [], 0
    for i, tok in enumerate(tokens):
        out.append(text[last : tok.start])
        if i not in drop:
            out.append(text[tok.start : tok.end])
        last = tok.end
    return "".join([*out, text[last:]])


def _fresh(model: LinearModel, text: str, fields: dict[str, object]) -> np.ndarray:
    return model.logits(model.row(text, fields))


def test_kept_positions() -> None:
    assert kept_positions(["a", "b", "a", "c"], ["a", "c"]) == [0, 3]
    assert kept_positions(["a", "b"], []) == []
    assert kept_positions(["a", "b"], ["b", "a"]) is None
    assert kept_positions(["a"], ["x"]) is None


@pytest.mark.parametrize("name", ["intent", "priority"])
def test_deleting_words_matches_a_fresh_featurization(
    models: dict[str, LinearModel], name: str
) -> None:
    model, rnd, checked = models[name], random.Random(11), 0
    for rec in demo_data(300, seed=21).frame.to_dict("records"):
        text = str(rec["text"])
        tokens = tokenize(text)
        rerun = Rerun(model, model.row(text, rec, tokens))
        for _ in range(4):
            if rnd.random() < 0.5 and tokens:  # a phrase: adjacent words
                i = rnd.randrange(len(tokens))
                drop = set(range(i, min(len(tokens), i + rnd.randint(1, 4))))
            else:  # scattered words, so several gaps form new n-grams
                drop = set(rnd.sample(range(len(tokens)), min(len(tokens), rnd.randint(0, 6))))
            edited = _without(text, tokens, drop)
            fresh = _fresh(model, edited, rec)
            assert np.max(np.abs(rerun.logits(edited) - fresh)) <= TOL
            # The same edit named by positions (as a reason's check asks), on a new re-run
            # so that nothing is remembered from the text.
            again = Rerun(model, rerun.row).without(drop)
            assert np.max(np.abs(again - fresh)) <= TOL
            checked += 1
    assert checked == 1_200


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_edit_matches_a_fresh_featurization(
    models: dict[str, LinearModel], data: st.DataObject
) -> None:
    # Edits that are not whole-word deletions (inside words, added text) take the
    # full path; whatever the edit, the scores are a fresh featurization's.
    model = models[data.draw(st.sampled_from(["intent", "priority"]))]
    rec = demo_data(1, seed=data.draw(st.integers(0, 10_000))).frame.to_dict("records")[0]
    text = str(rec["text"])
    cut = data.draw(st.integers(0, len(text)))
    width = data.draw(st.integers(0, 12))
    edited = (
        text[:cut] + data.draw(st.sampled_from(["", " ", "refund", "the"])) + text[cut + width :]
    )
    rerun = Rerun(model, model.row(text, rec))
    assert np.max(np.abs(rerun.logits(edited) - _fresh(model, edited, rec))) <= TOL
    assert rerun.predict(edited) == model.classes[int(np.argmax(_fresh(model, edited, rec)))]


def test_emptied_text_scores_like_an_empty_message(models: dict[str, LinearModel]) -> None:
    model = models["intent"]
    fields = dict(model.baseline_fields)
    text = "Refund\nPlease refund my order"
    rerun = Rerun(model, model.row(text, fields))
    assert np.max(np.abs(rerun.logits("\n") - _fresh(model, "\n", fields))) <= TOL


def test_the_unedited_text_scores_like_the_row_and_answers_are_remembered(
    models: dict[str, LinearModel],
) -> None:
    for text in demo_data(20, seed=5).frame["text"]:
        for model in models.values():
            fields = model.baseline_fields
            rerun = Rerun(model, model.row(text, fields))
            whole = rerun.logits(text)
            assert np.max(np.abs(whole - _fresh(model, text, fields))) <= TOL
            assert rerun.logits(text) is whole  # the same edit is not scored twice
            assert not whole.flags.writeable
