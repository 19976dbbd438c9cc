"""`explainer retrain`: the current version's training data plus reviewed labels.

A reviewer's confirmation or correction is a labelled ticket a person vouched for; the
candidate learns from the same data as the version in service and from those. Nothing
here decides whether the candidate serves: `explainer shadow` measures it and
`explainer models promote` gates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from explainer.errors import DataError
from explainer.shadow.items import ACCOUNT_FIELDS, ShadowItem, held_out
from explainer.training.datasets import (
    ColumnMap,
    LabelledData,
    demo_data,
    model_frame,
    read_csv_data,
)

__all__ = ["EXPORT_MAP", "Counts", "base_data", "with_reviews"]

# The columns of the console's reviewed-labels export (and of a base file given by hand).
EXPORT_MAP = ColumnMap(("subject", "body"), "intent", "priority", {f: f for f in ACCOUNT_FIELDS})
_DEMO = re.compile(r"demo corpus, seed (\d+), (\d+) tickets")


@dataclass(frozen=True)
class Counts:
    """Where the reviewed rows came from (for the data card)."""

    corrections: int
    confirmations: int
    erased: int


def base_data(source: str, base_file: Path | None) -> LabelledData:
    """The current version's training data: regenerated when it was the demo corpus,
    else read from ``base_file`` (the export it was trained on, in the export's columns)."""
    if base_file is not None:
        return read_csv_data(base_file, EXPORT_MAP)
    found = _DEMO.fullmatch(source.split(" + ")[0])
    if found is None:
        raise DataError(
            f"the current models were trained on {source!r}, which cannot be regenerated; "
            "pass --base-data with that file (columns: subject, body, intent, priority, "
            "channel, plan, account_age_days, open_tickets)"
        )
    return demo_data(int(found[2]), int(found[1]))


def with_reviews(
    base: LabelledData,
    items: list[ShadowItem],
    baseline: dict[str, Any],
    counts: Counts,
) -> tuple[LabelledData, dict[str, Any]]:
    """``base`` plus every reviewed ticket with both labels, and the data card.

    An account field the ticket did not give is filled with the baseline the models read
    it at when serving, so training sees what serving saw. Reviews kept for evaluation
    (:func:`explainer.shadow.items.held_out`) never train; the card's held-out part stays
    the base's, so its metrics stay comparable.
    """
    kept = [i for i in items if held_out(i.id)]
    labelled = [i for i in items if i.reviewed_intent and i.reviewed_priority]
    usable = [i for i in labelled if not held_out(i.id)]
    account = {
        f: [i.fields.get(f, baseline.get(f)) for i in usable]
        for f in ACCOUNT_FIELDS
        if f in base.frame.columns
    }
    frame = model_frame([i.subject for i in usable], [i.body for i in usable], account)
    split = base.split
    reviewed_split = pd.Series(["train"] * len(usable), dtype=object)
    data = LabelledData(
        frame=pd.concat([base.frame, frame], ignore_index=True),
        intent=pd.concat(
            [base.intent, pd.Series([i.reviewed_intent for i in usable])], ignore_index=True
        ),
        priority=(
            None
            if base.priority is None
            else pd.concat(
                [base.priority, pd.Series([i.reviewed_priority for i in usable])],
                ignore_index=True,
            )
        ),
        split=None if split is None else pd.concat([split, reviewed_split], ignore_index=True),
        source=f"{base.source} + {len(usable)} reviewed decisions",
        holdout=base.holdout,
    )
    card = {
        "base": {"source": base.source, "rows": len(base.frame)},
        "reviewed": {
            "rows": len(usable),
            "corrections": counts.corrections,
            "confirmations": counts.confirmations,
            "held_out_for_evaluation": len(kept),
            "without_both_labels": len(items) - len(labelled),
            "erased_skipped": counts.erased,
        },
        "rows": len(data.frame),
    }
    return data, card
