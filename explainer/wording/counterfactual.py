"""What would have changed the outcome: deleting reasons shown, verified by the model.

A counterfactual names only reasons the customer sees above it ("Without “refund”,
it would most likely have been “Account access”"). The edit it states is exact and
public: ``removed`` lists every spelling of the quoted phrases as they appear in the
redacted text, and deleting each as a whole word everywhere (:func:`remove_whole`) is
the very edit the model was re-run on. Anyone can repeat it through the API.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from explainer.explain.grouping import Group
from explainer.wording.narrative import Outcome

__all__ = ["MAX_REMOVED", "counterfactual", "remove_whole"]

MAX_REMOVED = 3


def remove_whole(subject: str, body: str, removed: Sequence[str]) -> tuple[str, str]:
    """Delete every whole-word occurrence of each phrase, longest first.

    Whole word: not preceded or followed by a word character, so "Integration" is
    never cut out of "Integrationen".
    """
    for phrase in sorted(removed, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")
        subject, body = pattern.sub("", subject), pattern.sub("", body)
    return subject, body


def counterfactual(
    shown: Sequence[tuple[Outcome, Group]],
    subject: str,
    body: str,
    rerun: Callable[[str, str, str], str],
) -> dict[str, Any] | None:
    """The first verified flip from deleting up to three of a model's shown reasons.

    ``shown`` are the reasons above, in order; ``rerun(model, subject, body)`` returns
    that model's label for the edited ticket.
    """
    models: list[Outcome] = []
    for o, _ in shown:
        if o not in models:
            models.append(o)
    for o in models:
        mine = [g for p, g in shown if p is o and g.kind == "text"][:MAX_REMOVED]
        for k in range(1, len(mine) + 1):
            removed = spellings(mine[:k], subject, body)
            label = rerun(o.model, *remove_whole(subject, body, removed))
            if label != o.label:
                return {
                    "model": o.model,
                    "removed": removed,
                    "label": label,
                    "quoted": [g.display for g in mine[:k]],
                }
    return None


def spellings(groups: Sequence[Group], subject: str, body: str) -> list[str]:
    """Each distinct spelling of the groups' occurrences, longest first."""
    fields = {"subject": subject, "body": body}
    found: list[str] = []
    for g in groups:
        for field, start, end in g.spans:
            piece = fields[field][start:end]
            if piece not in found:
                found.append(piece)
    return sorted(found, key=len, reverse=True)
