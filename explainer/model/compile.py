"""Read a fitted ColumnTransformer into the serving featurizer's plain arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from explainer.errors import DataError
from explainer.model.featurizer import AccountBlock, Featurizer, TextBlock
from explainer.model.text import CharWbNgrams, WordNgrams

__all__ = ["compile_column_transformer", "refuse_unservable"]

# What the serving featurizer reproduces exactly; any other value changes the row.
_SERVABLE = {"norm": "l2", "use_idf": True, "binary": False}


def refuse_unservable(vectorizer: Any) -> None:
    """DataError naming each TF-IDF setting the serving featurizer does not reproduce."""
    wrong = [
        f"{key}={getattr(vectorizer, key)!r} (served: {want!r})"
        for key, want in _SERVABLE.items()
        if getattr(vectorizer, key) != want
    ]
    if not isinstance(vectorizer.analyzer, WordNgrams | CharWbNgrams):
        wrong.append(f"analyzer={vectorizer.analyzer!r} (served: the project's word and char_wb)")
    if wrong:
        raise DataError(
            "the serving featurizer cannot reproduce this vectorizer, so its attributions "
            "would be wrong: " + "; ".join(wrong)
        )


def compile_column_transformer(features: Any) -> Featurizer:
    """Walk the fitted transformers in output order and record their columns."""
    text: list[TextBlock] = []
    account: list[AccountBlock] = []
    offset = 0
    for name, transformer, columns in features.transformers_:
        if name == "remainder":
            continue
        if name in ("word", "char"):
            text.append(_text_block(name, transformer, offset))
            offset += len(transformer.vocabulary_)
        elif name == "cat":
            for field, cats in zip(columns, transformer.categories_, strict=True):
                account.append(
                    AccountBlock(field, {str(c): offset + k for k, c in enumerate(cats)})
                )
                offset += len(cats)
        elif name == "num":
            scaler = transformer.named_steps["scale"]
            for k, field in enumerate(columns):
                account.append(
                    AccountBlock(
                        field,
                        column=offset,
                        mean=float(scaler.mean_[k]),
                        scale=float(scaler.scale_[k]),
                    )
                )
                offset += 1
        else:
            raise ValueError(f"unknown transformer {name!r} in the model's features")
    return Featurizer(text, account, offset)


def _text_block(kind: str, vec: Any, offset: int) -> TextBlock:
    refuse_unservable(vec)
    analyzer = vec.analyzer
    return TextBlock(
        kind=kind,
        vocab=dict(vec.vocabulary_),
        idf=np.asarray(vec.idf_, dtype=np.float64),
        offset=offset,
        ngram_range=(analyzer.min_n, analyzer.max_n),
        sublinear=bool(vec.sublinear_tf),
    )
