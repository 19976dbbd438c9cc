"""The model family: TF-IDF word and in-word character n-grams plus account fields, linear.

One sklearn ``Pipeline`` per classifier. Its input is a DataFrame with a ``text``
column (subject and body joined) and whichever account columns the model uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from explainer.model.compile import refuse_unservable
from explainer.model.text import CharWbNgrams, WordNgrams

__all__ = ["ACCOUNT_CATEGORICAL", "ACCOUNT_NUMERIC", "ModelSpec", "build_pipeline"]

ACCOUNT_CATEGORICAL = ("channel", "plan")
ACCOUNT_NUMERIC = ("account_age_days", "open_tickets")


@dataclass(frozen=True)
class ModelSpec:
    """What one classifier reads and how hard it is regularised."""

    categorical: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    c: float = 10.0
    word_min_df: int = 2
    char_min_df: int = 2
    char_range: tuple[int, int] = (2, 5)
    norm: str | None = "l2"
    sublinear_tf: bool = True
    use_idf: bool = True
    binary: bool = False
    tol: float = 1e-4
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def account_fields(self) -> tuple[str, ...]:
        """Account fields in the order their columns appear in the feature space."""
        return self.categorical + self.numeric


def build_pipeline(spec: ModelSpec) -> Pipeline:
    """An unfitted pipeline for ``spec``; transformer order fixes the column order.

    DataError, before any fitting, for a setting the serving featurizer cannot reproduce.
    """
    parts: list[tuple[str, object, object]] = [
        ("word", _tfidf(WordNgrams(1, 2), spec.word_min_df, spec), "text"),
        ("char", _tfidf(CharWbNgrams(*spec.char_range), spec.char_min_df, spec), "text"),
    ]
    for _, vectorizer, _ in parts:
        refuse_unservable(vectorizer)
    if spec.categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), list(spec.categorical)))
    if spec.numeric:
        parts.append(("num", _numeric(), list(spec.numeric)))
    features = ColumnTransformer(parts, sparse_threshold=1.0)
    clf = LogisticRegression(C=spec.c, max_iter=2000, tol=spec.tol)
    return Pipeline([("features", features), ("clf", clf)])


def _tfidf(analyzer: object, min_df: int, spec: ModelSpec) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer,
        min_df=min_df,
        sublinear_tf=spec.sublinear_tf,
        norm=spec.norm,
        use_idf=spec.use_idf,
        binary=spec.binary,
        dtype=np.float64,
    )


def _numeric() -> Pipeline:
    # log1p tames long-tailed counts; the transform is fixed, so attributions stay exact.
    log = FunctionTransformer(np.log1p, feature_names_out="one-to-one")
    return Pipeline([("log", log), ("scale", StandardScaler())])
