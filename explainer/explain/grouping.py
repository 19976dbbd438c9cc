"""Group feature attributions onto the customer's words and account fields.

Rule (documented in docs/explanations.md): a feature's value is split equally over
its occurrences in the message; an occurrence of a word n-gram is split equally over
its n words, a character n-gram belongs to the one word it lies in. Adjacent words
that the deletion search picked (see :mod:`explainer.explain.search`) are read as one
phrase of up to four words ("password reset"); every other word stands alone.
Phrases and words with the same lower-cased text form one group with the spans of
every occurrence. Each account field (all one-hot columns of a categorical
together) is one group. The groups partition the features, so they sum exactly to
the total attribution.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from explainer.explain.attribution import MarginAttribution
from explainer.model.featurizer import Row
from explainer.model.linear import LinearModel
from explainer.model.text import Token, field_span

__all__ = ["Group", "Layout", "group_attributions", "token_values"]


class Group(NamedTuple):
    """One reason candidate: a word of the message or an account field.

    A NamedTuple: a ticket makes dozens per model, and a frozen dataclass costs
    several times as much to build.
    """

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


@dataclass(frozen=True)
class Layout:
    """Where each token of one ticket sits: computed once, shared by both models' groups."""

    text: str
    subject_len: int
    keys: list[str]
    starts: list[int]
    ends: list[int]
    spans: list[tuple[str, int, int]]
    joinable: list[bool]  # token i may continue a phrase that ends with token i - 1

    @classmethod
    def of(cls, tokens: Sequence[Token], text: str, subject_len: int) -> Layout:
        """The layout of ``tokens`` of the joined ``text`` (subject ``subject_len`` long)."""
        starts = [t.start for t in tokens]
        ends = [t.end for t in tokens]
        gaps = [text[e:s] for e, s in zip(ends, starts[1:], strict=False)]
        return cls(
            text,
            subject_len,
            [t.text for t in tokens],
            starts,
            ends,
            [field_span(subject_len, s, e) for s, e in zip(starts, ends, strict=True)],
            [False, *(_GAP.fullmatch(g) is not None for g in gaps)],
        )


def group_attributions(
    model: LinearModel,
    row: Row,
    attr: MarginAttribution,
    layout: Layout,
    fields: Mapping[str, Any],
    picked: frozenset[str] = frozenset(),
    values: Sequence[float] | None = None,
    telling: Callable[[str], bool] = lambda _w: True,
) -> list[Group]:
    """Word and account groups, largest absolute value first.

    ``layout`` is the ticket's :class:`Layout` (``Layout.of(row.tokens, text,
    subject_len)``), made once and shared by every model that explains the ticket.
    ``fields`` holds the account fields the customer gave (a field not given was read
    at its baseline value and contributes exactly 0); ``picked`` the words phrases are
    made of; ``values`` the tokens' values when the caller has them; ``telling``
    whether a word may begin or end a phrase (not a function word).
    """
    vals = token_values(row, attr).tolist() if values is None else list(values)
    groups = _text_groups(vals, layout, picked, telling) + _account_groups(model, attr, fields)
    groups.sort(key=lambda g: -abs(g.value))
    return groups


def token_values(row: Row, attr: MarginAttribution) -> np.ndarray:
    """Each token's share: a column's value split over its occurrences, then its words."""
    if not row.occ_pos.size:
        return np.zeros(len(row.tokens))
    per_occurrence = attr.text_values / row.counts
    weights = per_occurrence[row.occ_pos] * row.occ_weight
    return np.bincount(row.occ_token, weights=weights, minlength=len(row.tokens))


def _text_groups(
    vals: list[float],
    layout: Layout,
    picked: frozenset[str],
    telling: Callable[[str], bool],
    longest: int = 4,
) -> list[Group]:
    keys, joinable = layout.keys, layout.joinable
    values: dict[str, float] = {}
    spans: dict[str, list[tuple[str, int, int]]] = {}
    display: dict[str, str] = {}
    i, n = 0, len(keys)
    while i < n:
        # A phrase: adjacent picked words, at most ``longest`` of them, that begins
        # and ends with a word that is not a function word ("use my card").
        j = i + 1
        if keys[i] in picked and telling(keys[i]):
            while j < n and j - i < longest and keys[j] in picked and joinable[j]:
                j += 1
            while j > i + 1 and not telling(keys[j - 1]):
                j -= 1
        if j == i + 1:
            key, value, span = keys[i], vals[i], layout.spans[i]
        else:
            key, value = " ".join(keys[i:j]), sum(vals[i:j])
            span = field_span(layout.subject_len, layout.starts[i], layout.ends[j - 1])
        if key in values:
            values[key] += value
            spans[key].append(span)
        else:
            values[key], spans[key] = value, [span]
            display[key] = layout.text[layout.starts[i] : layout.ends[j - 1]]
        i = j
    return [Group(f"text:{w}", "text", v, f'"{display[w]}"', spans[w]) for w, v in values.items()]


# What may sit between two words of one phrase: a space or hyphen, or a contraction's
# tail ("can't log"); never a quote, which would leave the phrase unbalanced.
_GAP = re.compile(r"[ -]|'[a-z] |’[a-z] ", re.IGNORECASE)


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
        if raw is None:  # not given: read at the baseline, so exactly 0
            out.append(
                Group(
                    f"{block.field}=", "account", value, f"{block.field} not given", [], block.field
                )
            )
            continue
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
