"""Whether a person must act on a decision, and why (SPEC: ``handoff``).

Four reason codes, any of which requires a person:

- ``opted_out``: the customer asked for a person (``prefer_person``);
- ``sensitive``: the message mentions a topic of the sensitive-topic list;
- ``out_of_scope`` and ``low_confidence``: the intent model abstains, because its
  calibrated top-class probability is under the threshold its card records (set at train
  time so that at most 5 % of in-scope held-out tickets fall under it). The split: when
  the top two labels together hold at least ``TORN`` of the probability the model is torn
  between two topics it knows (``low_confidence``); otherwise the probability is spread
  over many and nothing it knows fits (``out_of_scope``). One threshold decides both, so
  together they stay within the target share.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from explainer.handoff.topics import Topic
from explainer.model.linear import LinearModel

__all__ = ["CODES", "TORN", "Code", "abstention", "handoff"]

Code = Literal["out_of_scope", "low_confidence", "sensitive", "opted_out"]
CODES: tuple[Code, ...] = ("opted_out", "sensitive", "out_of_scope", "low_confidence")
TORN = 0.8


def abstention(model: LinearModel, probabilities: Sequence[float]) -> Code | None:
    """The abstention code for one model's calibrated probabilities, or None."""
    threshold = model.abstain_below
    ranked = sorted(probabilities, reverse=True)
    if threshold is None or not ranked or ranked[0] >= threshold:
        return None
    return "low_confidence" if sum(ranked[:2]) >= TORN else "out_of_scope"


def handoff(
    prefer_person: bool, topics: Sequence[Topic], abstained: Code | None, version: str
) -> dict[str, Any]:
    """The decision's ``handoff`` block."""
    reasons: list[Code] = []
    if prefer_person:
        reasons.append("opted_out")
    if topics:
        reasons.append("sensitive")
    if abstained is not None:
        reasons.append(abstained)
    return {
        "required": bool(reasons),
        "reasons": reasons,
        "topics": [t.code for t in topics],
        "topic_list_version": version,
    }
