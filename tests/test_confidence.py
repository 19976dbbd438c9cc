"""The confidence shown goes through the card's top-label map; nothing else does."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from explainer.explain.decide import Decider
from explainer.model.confidence import TopLabelMap
from explainer.model.linear import LinearModel
from explainer.schemas import TicketIn
from explainer.training import corpus
from explainer.training.calibration import ece, fit_top_label_map


def test_the_map_is_fitted_monotone_from_groups_of_tickets() -> None:
    rng = np.random.default_rng(3)
    top = rng.uniform(0.5, 1.0, 3_000)  # two classes: the first is always the top one
    right = rng.uniform(size=3_000) < top**2  # over-confident: right less often than said
    fitted = fit_top_label_map(top, right)
    assert len(fitted.x) == 15 and np.all(np.diff(fitted.x) >= 0) and np.all(np.diff(fitted.y) >= 0)
    probs = np.column_stack([top, 1 - top])
    y = np.where(right, 0, 1)
    assert ece(probs, y, confidence=fitted(top)) < ece(probs, y) / 3
    few = fit_top_label_map(top[:30], right[:30])  # too few for a shape: one level
    assert few.one(0.51) == few.one(0.99)


def test_a_bad_map_fails_when_the_model_loads(decider: Decider) -> None:
    model = decider.models["intent"]
    card = {**model.card, "calibration": {**model.card["calibration"]}}
    card["calibration"]["top_label_map"] = {"x": [0.9, 0.5], "y": [0.2, 0.4]}
    with pytest.raises(ValueError, match="non-decreasing"):
        dataclasses.replace(model, card=card)
    card["calibration"]["top_label_map"] = {"x": [0.2, 0.5], "y": [0.2, 1.4]}
    with pytest.raises(ValueError, match="probabilities"):
        dataclasses.replace(model, card=card)


def test_decisions_show_the_mapped_confidence_and_explain_the_model(decider: Decider) -> None:
    tickets = [TicketIn.model_validate(t.payload()) for t in corpus.generate(60, seed=5)]
    moved = 0
    for ticket in tickets:
        d = decider.decide(ticket)
        for name, block in d.models():
            model: LinearModel = decider.models[name]
            assert model.confidence_map is not None  # training gave every card a map
            top = block.probabilities[block.label]
            assert block.probabilities[block.label] == max(block.probabilities.values())
            assert block.confidence == pytest.approx(model.confidence(top), abs=1e-12)
            moved += abs(block.confidence - top) > 1e-6
            e = block.explanation  # the explanation is of the model, not of the map
            total = e.base_value + sum(a.value for a in e.attributions)
            assert abs(total - e.output_value) <= 1e-9
    assert moved > 0


def test_a_card_without_a_map_shows_the_probability(decider: Decider) -> None:
    model = decider.models["priority"]
    card = {**model.card, "calibration": {"temperature": model.temperature}}
    plain = dataclasses.replace(model, card=card)
    assert plain.confidence_map is None and plain.confidence(0.734) == 0.734


def test_a_saturated_model_still_gets_a_map_that_loads() -> None:
    # Top probabilities a few ulps below 1 make group means closer than isotonic
    # regression's merging distance; the map must not end in NaN past the merged point.
    rng = np.random.default_rng(1)
    low = rng.uniform(0.3, 0.99, 600)
    high = 1.0 - rng.integers(1, 4, 300) * np.finfo(float).eps / 2
    top = np.concatenate([low, high])
    fitted = fit_top_label_map(top, rng.random(len(top)) < top)
    card = {"calibration": {"top_label_map": {"x": fitted.x.tolist(), "y": fitted.y.tolist()}}}
    loaded = TopLabelMap.from_card(card)
    assert loaded is not None and np.isfinite(loaded.y).all() and loaded.y[-1] > 0.9
