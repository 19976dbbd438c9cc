"""Which reasons a customer is given: at most four, each true of the model.

Every reason quotes the redacted message or names a real account fact and is shown
only when its sentence holds on the model. The sentences are written by render.py
from these choices, in the customer's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from explainer.explain.grouping import Group

__all__ = ["MAX_REASONS", "TEMPLATE_VERSION", "Outcome", "reason_details", "reasons"]

# The wording's version: the sentences themselves are in words.py, one set per language.
TEMPLATE_VERSION = "2026-12-01.5"
MAX_REASONS = 4


@dataclass(frozen=True)
class Outcome:
    """One model's decision as the wording needs it."""

    model: str  # "intent" or "priority"
    label: str
    display: str
    confidence: float
    groups: Sequence[Group]
    queue: str | None = None
    response_time: str | None = None
    ranked: Sequence[Group] = ()  # reason candidates, in the deletion search's order
    is_default: bool = False  # the outcome an empty message at the baseline gets
    words: Sequence[str] = ()  # the words the search picked, in its order
    # Whether a candidate's sentence is true ("made X more likely"), checked on the model
    # when asked: only the reasons about to be shown are checked.
    holds: Callable[[Group], bool] | None = None

    def true_reasons(self) -> list[Group]:
        """The ranked candidates whose sentence holds, in the search's order."""
        return [g for g in self.ranked if self.says_truly(g)]

    def says_truly(self, g: Group) -> bool:
        """Whether the reason sentence about ``g`` is true of the model (unchecked: yes)."""
        return self.holds is None or self.holds(g)


def reasons(outcomes: Sequence[Outcome]) -> list[tuple[Outcome, Group]]:
    """At most four reasons: up to two per model first, then more in the search's order.

    Each model's candidates come in the order the deletion search took them; the
    models' lists are interleaved so that neither model's first reason is crowded out.
    """
    picked: list[tuple[int, int, Outcome, Group]] = []
    # The same words may be a reason for each model: the sentences name different outcomes.
    seen: set[tuple[str, str]] = set()
    for take in (2, MAX_REASONS):
        for m, o in enumerate(outcomes):
            mine = sum(1 for p in picked if p[2] is o)
            for rank, g in enumerate(o.ranked):
                if mine >= take or len(picked) >= MAX_REASONS:
                    break
                if (o.model, g.feature) not in seen and o.says_truly(g):
                    seen.add((o.model, g.feature))
                    picked.append((rank, m, o, g))
                    mine += 1
    picked.sort(key=lambda p: (p[0], p[1]))
    return [(o, g) for _, _, o, g in picked]


def reason_details(shown: Sequence[tuple[Outcome, Group]]) -> list[dict[str, Any]]:
    """The decision's JSON form of the reasons shown."""
    return [_reason(o, g) for o, g in shown]


def _reason(o: Outcome, g: Group) -> dict[str, Any]:
    # The sentence is filled in by render.py, from these facts, in the customer's language.
    out: dict[str, Any] = {"model": o.model, "feature": g.feature, "value": g.value, "text": ""}
    if g.kind == "text":
        out["spans"] = [list(s) for s in g.spans]
    return out
