"""A fitted pipeline compiled for serving: featurizer, weights, baseline, labels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explainer.model.catalogue import LabelInfo
from explainer.model.compile import compile_column_transformer
from explainer.model.confidence import TopLabelMap
from explainer.model.featurizer import Featurizer, Row
from explainer.model.text import Token

__all__ = ["LinearModel", "compile_model", "softmax"]


@dataclass
class LinearModel:
    """Everything needed to classify and explain one ticket with one model.

    ``coef_t`` is (n_features, n_classes) so a sparse row gathers contiguous rows;
    binary models get an explicit zero column so every model is multi-class shaped.
    """

    name: str
    version: str
    sha256: str
    classes: list[str]
    labels: dict[str, LabelInfo]
    featurizer: Featurizer
    coef_t: NDArray[np.float64]
    intercept: NDArray[np.float64]
    baseline_fields: dict[str, Any]
    baseline_account: NDArray[np.float64]
    card: dict[str, Any] = field(default_factory=dict)
    pipeline: Any = None

    def __post_init__(self) -> None:
        self.confidence_map  # noqa: B018  (a bad map fails at load, not at a first request)

    @property
    def temperature(self) -> float:
        """The card's temperature: ``coef_t`` and ``intercept`` are already divided by it."""
        return float(self.card.get("calibration", {}).get("temperature", 1.0))

    @property
    def abstain_below(self) -> float | None:
        """The calibrated top-class probability under which a person takes the ticket."""
        threshold = self.card.get("abstention", {}).get("threshold")
        return None if threshold is None else float(threshold)

    @cached_property
    def confidence_map(self) -> TopLabelMap | None:
        """The card's map from top-class probability to calibrated confidence, if any."""
        return TopLabelMap.from_card(self.card)

    def confidence(self, top: float) -> float:
        """The confidence shown for a label whose (temperature-scaled) probability is ``top``."""
        found = self.confidence_map
        return top if found is None else found.one(top)

    @property
    def account_fields(self) -> list[str]:
        """Names of the account fields this model reads."""
        return [b.field for b in self.featurizer.account_blocks]

    def row(
        self,
        text: str,
        fields: Mapping[str, object],
        tokens: list[Token] | None = None,
        like: Row | None = None,
    ) -> Row:
        """Featurize one ticket (``tokens`` of ``text`` and a sharable ``like`` row when known)."""
        return self.featurizer.row(text, fields, tokens, like)

    def logits(self, row: Row) -> NDArray[np.float64]:
        """Class scores (log-odds up to a shared constant) of one row."""
        acc = self.featurizer.account_cols
        out = self.intercept + row.vals @ self.coef_t[row.cols]
        if acc.size:
            out = out + row.account @ self.coef_t[acc]
        return np.asarray(out, dtype=np.float64)


def temperature_of(card: dict[str, Any]) -> float:
    """The calibration temperature a card records (1 for a card without one).

    Serving divides the weights and intercepts by it once, so every score, probability
    and exact attribution is the calibrated one and the chosen label never changes.
    """
    t = float(card.get("calibration", {}).get("temperature", 1.0))
    if not t > 0:
        raise ValueError(f"calibration temperature must be positive, got {t}")
    return t


def softmax(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Probabilities from class scores, as LogisticRegression.predict_proba computes them."""
    e = np.exp(z - z.max())
    return np.asarray(e / e.sum(), dtype=np.float64)


def compile_model(pipeline: Any, card: dict[str, Any], labels: dict[str, LabelInfo]) -> LinearModel:
    """Compile a fitted ``Pipeline([features, clf])`` plus its card into a LinearModel."""
    featurizer = compile_column_transformer(pipeline.named_steps["features"])
    clf = pipeline.named_steps["clf"]
    coef = np.asarray(clf.coef_, dtype=np.float64)
    intercept = np.asarray(clf.intercept_, dtype=np.float64)
    if coef.shape[0] == 1:  # binary: class 1 scores w.x + b against class 0's zero
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.array([0.0, intercept[0]])
    baseline_fields = dict(card.get("baseline", {}).get("fields", {}))
    return LinearModel(
        name=card["name"],
        version=card["version"],
        sha256=card["sha256"],
        classes=[str(c) for c in clf.classes_],
        labels=labels,
        featurizer=featurizer,
        coef_t=np.ascontiguousarray(coef.T) / temperature_of(card),
        intercept=intercept / temperature_of(card),
        baseline_fields=baseline_fields,
        baseline_account=featurizer.account_values(baseline_fields),
        card=card,
        pipeline=pipeline,
    )
