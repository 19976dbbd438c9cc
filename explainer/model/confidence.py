"""The confidence shown with a label: a monotone map of the top-class probability.

Temperature scaling keeps the model linear, so the explanation stays exact, but one
scalar cannot undo every miscalibration (the demo priority model is under-confident in
the middle and over-confident at the top). The card may therefore also carry an
isotonic map, fitted at train time on held-out tickets, from the temperature-scaled
top-class probability to how often such a label was right. Only the number shown as
``confidence`` (and the word for it) goes through the map: the label, the class
probabilities and the attributions are the temperature-scaled model's, which the
explanation explains exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["TopLabelMap"]


@dataclass(frozen=True)
class TopLabelMap:
    """Piecewise-linear, non-decreasing: ``x`` top-class probabilities to ``y`` accuracy."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]

    @classmethod
    def from_card(cls, card: dict[str, Any]) -> TopLabelMap | None:
        """The card's map, or None (a card without one shows the probability itself)."""
        found = card.get("calibration", {}).get("top_label_map")
        if not found:
            return None
        x = np.asarray(found["x"], dtype=np.float64)
        y = np.asarray(found["y"], dtype=np.float64)
        ok = x.ndim == 1 and x.shape == y.shape and len(x) >= 2
        if not (ok and np.all(np.diff(x) >= 0) and np.all(np.diff(y) >= 0)):
            raise ValueError("a card's top_label_map must be two non-decreasing lists")
        if not (np.all((y >= 0) & (y <= 1)) and np.all((x >= 0) & (x <= 1))):
            raise ValueError("a card's top_label_map must map probabilities to probabilities")
        return cls(x, y)

    def __call__(self, top: NDArray[np.float64]) -> NDArray[np.float64]:
        """The calibrated confidence of each top-class probability (ends clamped)."""
        return np.asarray(np.interp(top, self.x, self.y), dtype=np.float64)

    def one(self, top: float) -> float:
        """The calibrated confidence of one top-class probability."""
        return float(np.interp(top, self.x, self.y))
