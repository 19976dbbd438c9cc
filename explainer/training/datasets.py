"""Training and evaluation data: the demo corpus or a user's CSV export, redacted.

Both paths produce the same frame the pipelines read (``text`` plus account
columns) after running every message through the serving redaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from explainer.errors import DataError
from explainer.model.text import join_fields
from explainer.privacy.redaction import redact
from explainer.training import corpus

__all__ = ["ColumnMap", "LabelledData", "demo_data", "read_csv_data"]


@dataclass(frozen=True)
class ColumnMap:
    """Which CSV columns hold the text, the labels and the account fields."""

    text: Sequence[str]
    intent: str
    priority: str | None = None
    account: dict[str, str] = field(default_factory=dict)  # model field -> CSV column
    language: str | None = None  # for figures per language, never a model input


@dataclass
class LabelledData:
    """Model input frame, labels and (optional) a train/test split column."""

    frame: pd.DataFrame
    intent: pd.Series
    priority: pd.Series | None
    split: pd.Series | None
    source: str
    holdout: float = 0.1  # share of an export held out for the model card's metrics
    language: pd.Series | None = None  # the ticket's language, for figures per language


def model_frame(
    subjects: Sequence[str],
    bodies: Sequence[str],
    account: Mapping[str, Sequence[object]],
    names: Sequence[str | None] | None = None,
    emails: Sequence[str | None] | None = None,
) -> pd.DataFrame:
    """The pipelines' input: redacted joined text plus account columns."""
    n = len(bodies)
    names = names or [None] * n
    emails = emails or [None] * n
    texts = [
        join_fields(redact(s, name=nm, email=em).text, redact(b, name=nm, email=em).text)
        for s, b, nm, em in zip(subjects, bodies, names, emails, strict=True)
    ]
    return pd.DataFrame({"text": texts, **{k: list(v) for k, v in account.items()}})


def demo_data(n: int = 24_000, seed: int = corpus.DEFAULT_SEED) -> LabelledData:
    """The generated demo corpus as labelled, redacted model input."""
    rows = pd.DataFrame([t.row for t in corpus.generate(n, seed)])
    account = {k: rows[k].tolist() for k in ("channel", "plan", "account_age_days", "open_tickets")}
    frame = model_frame(
        rows["subject"].tolist(),
        rows["body"].tolist(),
        account,
        rows["customer_name"].tolist(),
        rows["customer_email"].tolist(),
    )
    return LabelledData(
        frame,
        rows["intent"],
        rows["priority"],
        rows["split"],
        f"demo corpus, seed {seed}, {n} tickets",
        language=rows["language"],
    )


def read_csv_data(path: Path, cols: ColumnMap) -> LabelledData:
    """Read and validate a user's export; raise DataError with a clear message."""
    raw = _read_csv(path)
    wanted = [
        *cols.text,
        cols.intent,
        *([cols.priority] if cols.priority else []),
        *cols.account.values(),
        *([cols.language] if cols.language else []),
    ]
    missing = [c for c in wanted if c not in raw.columns]
    if missing:
        raise DataError(
            f"{path}: missing column(s) {', '.join(missing)}; "
            f"the file has {', '.join(map(str, raw.columns))}"
        )
    raw = raw.dropna(subset=[cols.intent]).fillna("")
    if raw.empty:
        raise DataError(f"{path}: no rows with a label in column {cols.intent!r}")
    subjects = raw[cols.text[0]].astype(str).tolist() if len(cols.text) > 1 else [""] * len(raw)
    bodies = raw[cols.text[-1]].astype(str).tolist()
    account = {k: _account_column(raw, k, c) for k, c in cols.account.items()}
    frame = model_frame(subjects, bodies, account)
    priority = raw[cols.priority].astype(str).reset_index(drop=True) if cols.priority else None
    return LabelledData(
        frame,
        raw[cols.intent].astype(str).reset_index(drop=True),
        priority,
        None,
        f"{path.name}, {len(raw)} rows",
        language=raw[cols.language].astype(str).reset_index(drop=True) if cols.language else None,
    )


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
            "re-export the file as UTF-8"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{path}: the file is empty") from exc
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc})") from exc
    if raw.empty:
        raise DataError(f"{path}: the file has a header but no rows")
    return raw


def _account_column(raw: pd.DataFrame, field: str, column: str) -> list[object]:
    values = raw[column]
    if field in ("account_age_days", "open_tickets"):
        numbers = pd.to_numeric(values, errors="coerce")
        if numbers.isna().any() or (numbers < 0).any():
            bad = values[numbers.isna() | (numbers < 0)].iloc[0]
            raise DataError(f"column {column!r} must hold non-negative numbers; found {bad!r}")
        return [int(x) for x in numbers]
    return list(values.astype(str))
