"""A model version's serving form: plain arrays and a vocabulary, loaded without unpickling.

Written at train time next to the card (``serving.npz`` for the weights and IDF vectors,
``serving.json`` for vocabularies and the column layout) and hashed into the card; the
registry serves from it. The fitted sklearn pipeline (``model.joblib``) stays beside it
for training and evaluation, and is never loaded to serve.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from explainer.model.catalogue import LabelInfo
from explainer.model.featurizer import AccountBlock, Featurizer, TextBlock
from explainer.model.linear import LinearModel

__all__ = ["ARRAYS", "FORMAT", "LAYOUT", "read", "write"]

ARRAYS, LAYOUT = "serving.npz", "serving.json"
FORMAT = 1


def write(model: LinearModel, folder: Path) -> list[str]:
    """Write the serving form of ``model`` into ``folder``; the file names written."""
    featurizer = model.featurizer
    arrays = {"coef_t": model.coef_t, "intercept": model.intercept}
    arrays.update({f"idf_{k}": b.idf for k, b in enumerate(featurizer.blocks)})
    layout = {
        "format": FORMAT,
        "classes": model.classes,
        "n_features": featurizer.n_features,
        "text": [_text_layout(b) for b in featurizer.blocks],
        "account": [_account_layout(a) for a in featurizer.account_blocks],
    }
    with (folder / ARRAYS).open("wb") as fh:
        np.savez(fh, allow_pickle=False, **arrays)
    (folder / LAYOUT).write_text(json.dumps(layout, sort_keys=True), "utf-8")
    return [ARRAYS, LAYOUT]


def read(folder: Path, card: dict[str, Any], labels: dict[str, LabelInfo]) -> LinearModel:
    """The model in ``folder`` (whose files the caller has verified against ``card``)."""
    layout = json.loads((folder / LAYOUT).read_text("utf-8"))
    if layout.get("format") != FORMAT:
        raise ValueError(f"serving form {layout.get('format')!r}, expected {FORMAT}")
    with np.load(folder / ARRAYS, allow_pickle=False) as z:
        arrays = {k: np.asarray(z[k], dtype=np.float64) for k in z.files}
    text = [
        TextBlock(
            kind=b["kind"],
            vocab=b["vocab"],
            idf=arrays[f"idf_{k}"],
            offset=int(b["offset"]),
            ngram_range=(int(b["ngram_range"][0]), int(b["ngram_range"][1])),
            sublinear=bool(b["sublinear"]),
        )
        for k, b in enumerate(layout["text"])
    ]
    account = [AccountBlock(**a) for a in layout["account"]]
    featurizer = Featurizer(text, account, int(layout["n_features"]))
    baseline_fields = dict(card.get("baseline", {}).get("fields", {}))
    return LinearModel(
        name=card["name"],
        version=card["version"],
        sha256=card["sha256"],
        classes=[str(c) for c in layout["classes"]],
        labels=labels,
        featurizer=featurizer,
        # Written from a compiled model: already divided by the card's temperature.
        coef_t=np.ascontiguousarray(arrays["coef_t"]),
        intercept=arrays["intercept"],
        baseline_fields=baseline_fields,
        baseline_account=featurizer.account_values(baseline_fields),
        card=card,
    )


def _text_layout(block: TextBlock) -> dict[str, Any]:
    return {
        "kind": block.kind,
        "offset": block.offset,
        "ngram_range": list(block.ngram_range),
        "sublinear": block.sublinear,
        "vocab": dict(block.vocab),
    }


def _account_layout(block: AccountBlock) -> dict[str, Any]:
    return {
        "field": block.field,
        "columns": None if block.columns is None else dict(block.columns),
        "column": block.column,
        "mean": block.mean,
        "scale": block.scale,
    }
