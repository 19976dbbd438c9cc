"""Group feature attributions onto the customer's words and account fields.

Rule (documented in docs/explanations.md): a feature's value is split equally over
its occurrences in the message; an occurrence of a word n-gram is split equally over
its n words, a character n-gram belongs to the one word it lies in. Adjacent words
that each carry a clearly positive value (over a tenth of the largest) are read as
one phrase of up to four words ("can't log in"); every other word stands alone.
Phrases and words with the same lower-cased text form one group with the spans of
every occurrence. Each account field (all one-hot columns of a categorical
together) is one group. The groups partition the features, so they sum exactly to
the total attribution.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from explainer.attribution import MarginAttribution
from explainer.featurizer import Row
from explainer.linear import LinearModel
from explainer.text import field_span

__all__ = ["Group", "group_attributions"]


@dataclass(frozen=True)
class Group:
    """One reason candidate: a word of the message or an account field."""

    feature: str
    kind: str  # "text" or "account"
    value: float
    display: str
    spans: list[tuple[str, int, int]]
    field: str | None = None
    field_value: Any = None

    def as_dict(self) -> dict[str, Any]:
        """The decision's JSON form of this attribution."""
        out: dict[str, Any] = {
            "feature": self.feature,
            "kind": self.kind,
            "value": self.value,
            "display": self.display,
        }
        if self.kind == "text":
            out["spans"] = [list(s) for s in self.spans]
        else:
            out["field"], out["field_value"] = self.field, self.field_value
        return out


def group_attributions(
    model: LinearModel,
    row: Row,
    attr: MarginAttribution,
    text: str,
    subject_len: int,
    fields: Mapping[str, Any],
) -> list[Group]:
    """Word and account groups, largest absolute value first."""
    groups = _text_groups(row, attr, text, subject_len) + _account_groups(model, attr, fields)
    groups.sort(key=lambda g: -abs(g.value))
    return groups


def _token_values(row: Row, attr: MarginAttribution) -> np.ndarray:
    """Each token's share: a column's value split over its occurrences, then its words."""
    if not row.occ_cols.size:
        return np.zeros(len(row.tokens))
    per_occurrence = attr.text_values / row.counts
    pos = np.searchsorted(row.cols, row.occ_cols)
    weights = per_occurrence[pos] * row.occ_weight
    return np.bincount(row.occ_token, weights=weights, minlength=len(row.tokens))


def _text_groups(row: Row, attr: MarginAttribution, text: str, subject_len: int) -> list[Group]:
    per_token = _token_values(row, attr).tolist()
    values: dict[str, float] = {}
    spans: dict[str, list[tuple[str, int, int]]] = {}
    display: dict[str, str] = {}
    for run in _runs(row, per_token, text):
        start, end = row.tokens[run[0]].start, row.tokens[run[-1]].end
        piece = text[start:end]
        key = " ".join(row.tokens[i].text for i in run)
        values[key] = values.get(key, 0.0) + sum(per_token[i] for i in run)
        spans.setdefault(key, []).append(field_span(subject_len, start, end))
        display.setdefault(key, piece)
    return [Group(f"text:{w}", "text", values[w], f'"{display[w]}"', spans[w]) for w in values]


_GAP = re.compile(r"[ '’-]{1,2}|'[a-z] |’[a-z] ", re.IGNORECASE)


def _runs(row: Row, values: list[float], text: str, longest: int = 4) -> list[list[int]]:
    """Token index runs: phrases of adjacent strong positive words, or single words."""
    floor = 0.1 * max(values, default=0.0)
    runs: list[list[int]] = []
    for i, tok in enumerate(row.tokens):
        prev = runs[-1] if runs else None
        strong = floor > 0 and values[i] > floor
        if (
            strong
            and prev
            and len(prev) < longest
            and values[prev[-1]] > floor
            and _GAP.fullmatch(text[row.tokens[prev[-1]].end : tok.start])
        ):
            prev.append(i)
        else:
            runs.append([i])
    return runs


def _account_groups(
    model: LinearModel, attr: MarginAttribution, fields: Mapping[str, Any]
) -> list[Group]:
    out: list[Group] = []
    k = 0
    for block in model.featurizer.account_blocks:
        width = len(block.columns) if block.columns is not None else 1
        value = float(attr.account_values[k : k + width].sum())
        k += width
        raw = fields.get(block.field)
        out.append(
            Group(
                f"{block.field}={raw}",
                "account",
                value,
                account_display(block.field, raw),
                [],
                block.field,
                raw,
            )
        )
    return out


def account_display(field: str, value: Any) -> str:
    """A short noun phrase for an account fact ("your Business plan")."""
    if field == "plan":
        return f"your {str(value).title()} plan"
    if field == "channel":
        return f"contact by {value}"
    if field == "account_age_days":
        return f"an account {value} days old"
    if field == "open_tickets":
        return f"{value} open tickets"
    return f"{field.replace('_', ' ')} {value}"
