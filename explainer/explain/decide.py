"""The decision path: redact -> featurize -> classify -> attribute -> group -> word.

Pure domain code (no Flask, no database): returns the typed :class:`Decision` of
SPEC section 3 with ``id`` and ``links`` left null; the store and the service fill them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explainer.decision import Decision
from explainer.explain.attribution import METHOD, OUTPUT_SPACE, explain_row
from explainer.explain.grouping import Group, Layout, group_attributions, token_values
from explainer.explain.names import ModelNames
from explainer.explain.rerun import Rerun
from explainer.explain.search import Pick, account_shifts, greedy_deletions
from explainer.explain.subsets import Edits, text_edits
from explainer.handoff.rules import abstention, handoff
from explainer.handoff.topics import SensitiveTopics
from explainer.model.cards import BASELINE_TEXT
from explainer.model.featurizer import Row
from explainer.model.linear import LinearModel, softmax
from explainer.model.text import join_fields, tokenize
from explainer.privacy.redaction import phone_regions, redact
from explainer.schemas import TicketIn
from explainer.wording import narrative
from explainer.wording.counterfactual import counterfactual
from explainer.wording.function_words import telling
from explainer.wording.render import fill, notice
from explainer.wording.words import pick, words_for

__all__ = ["Decider", "RedactedTicket"]


@dataclass(frozen=True)
class RedactedTicket:
    """The ticket after redaction: the only form that is featurized, stored or shown."""

    subject: str
    body: str
    fields: dict[str, Any]
    ticket: TicketIn

    @classmethod
    def of(cls, ticket: TicketIn) -> RedactedTicket:
        """Redact personal data (and the customer's own name and e-mail) from the text."""
        c = ticket.customer
        regions = phone_regions(ticket.language, c.region)
        subject = redact(ticket.subject, name=c.name, email=c.email, regions=regions).text
        body = redact(ticket.body, name=c.name, email=c.email, regions=regions).text
        return cls(subject, body, ticket.account_fields(), ticket)

    def as_dict(self) -> dict[str, Any]:
        """The stored/returned ticket: redacted text, no name or e-mail."""
        c = self.ticket.customer
        return {
            "ticket_id": self.ticket.ticket_id,
            "subject": self.subject,
            "body": self.body,
            "channel": self.ticket.channel,
            "language": self.ticket.language,
            "prefer_person": self.ticket.prefer_person,
            "customer": {
                "id": c.id,
                "plan": c.plan,
                "account_age_days": c.account_age_days,
                "open_tickets": c.open_tickets,
                "region": c.region,
            },
        }


class Decider:
    """Classifies and explains tickets with a fixed set of loaded models."""

    def __init__(
        self, models: Mapping[str, LinearModel], topics: SensitiveTopics | None = None
    ) -> None:
        self.models = dict(models)
        self.topics = topics if topics is not None else SensitiveTopics.load()
        self.names = ModelNames(self.models, self.topics)
        # What each model chooses for an empty message at its baseline fields.
        self._default = {
            name: int(np.argmax(m.intercept + m.baseline_account @ _account_weights(m)))
            for name, m in self.models.items()
        }

    def decide(self, ticket: TicketIn, now: datetime | None = None) -> Decision:
        """The full decision object for one ticket (a preview: no id, no links)."""
        return self.explain(RedactedTicket.of(ticket), now)

    def explain(self, red: RedactedTicket, now: datetime | None = None) -> Decision:
        """The decision object for an already redacted ticket: models, reasons, wording."""
        blocks, outcomes, reruns = self.outcomes(red)
        intent = blocks.get("intent")
        abstained = (
            abstention(self.models["intent"], list(intent["probabilities"].values()))
            if intent is not None
            else None
        )
        found = self.topics.found(red.subject, red.body)
        hand = handoff(red.ticket.prefer_person, found, abstained, self.topics.version)
        created = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        decision: dict[str, Any] = {
            "created_at": created,
            "ticket": red.as_dict(),
            "intent": blocks.get("intent"),
            "priority": blocks.get("priority"),
            "customer": self._customer(outcomes, red, reruns, hand),
            "handoff": hand,
            "template_version": narrative.TEMPLATE_VERSION,
        }
        # Worded once, in the ticket's language when we ship it (English otherwise), from
        # the facts just gathered: the record of what the customer read.
        fill(decision, words_for(pick(red.ticket.language) or "en"), self.names)
        return Decision.model_validate(decision)

    def notice(self, lang: str = "en") -> str:
        """The AI notice for these models: it names exactly the account inputs they read."""
        read = {f for m in self.models.values() for f in m.account_fields}
        return notice(words_for(lang), read)

    def outcomes(
        self, red: RedactedTicket
    ) -> tuple[dict[str, Any], list[narrative.Outcome], dict[str, Rerun]]:
        """Each model's decision block, its outcome (reason candidates in the search's
        order) and the re-run that verifies edits of this ticket."""
        text = join_fields(red.subject, red.body)
        tokens = tokenize(text)
        layout = Layout.of(tokens, text, len(red.subject))
        blocks: dict[str, Any] = {}
        outcomes: list[narrative.Outcome] = []
        rows: list[tuple[LinearModel, Row]] = []
        reruns: dict[str, Rerun] = {}
        edits: dict[int, Edits] = {}  # by text blocks: models reading the same text share them
        for name, model in self.models.items():
            # Models that read the same text features share one featurization.
            like = next(
                (r for m, r in rows if model.featurizer.shares_text_with(m.featurizer)), None
            )
            row = model.row(text, {**model.baseline_fields, **red.fields}, tokens, like)
            rows.append((model, row))
            reruns[name] = Rerun(model, row, model.coef_t[row.cols])
            key = id(model.featurizer.blocks)
            if key not in edits:
                edits[key] = text_edits(reruns[name], telling, layout.joinable)
            blocks[name], outcome = self._one(model, reruns[name], layout, red.fields, edits[key])
            outcomes.append(outcome)
        return blocks, outcomes, reruns

    def _one(
        self,
        model: LinearModel,
        rerun: Rerun,
        layout: Layout,
        fields: Mapping[str, Any],
        edits: Edits,
    ) -> tuple[dict[str, Any], narrative.Outcome]:
        row = rerun.row
        attr = explain_row(model, row, rerun.weights)
        values = token_values(row, attr).tolist()
        shifts = account_shifts(model, row, fields)
        picks = greedy_deletions(rerun, attr.label, shifts, edits)
        picked = frozenset(p.key for p in picks if p.kind == "text")
        groups = group_attributions(model, row, attr, layout, fields, picked, values, telling)
        label = model.classes[attr.label]
        info = model.labels[label]
        confidence = model.confidence(float(attr.probabilities[attr.label]))
        block = {
            "label": label,
            **info.as_dict(),
            "confidence": confidence,
            "probabilities": dict(zip(model.classes, attr.probabilities.tolist(), strict=True)),
            "model": {"name": model.name, "version": model.version, "sha256": model.sha256},
            "explanation": {
                "method": METHOD,
                "output_space": OUTPUT_SPACE,
                "contrast": model.classes[attr.contrast],
                "baseline": BASELINE_TEXT,
                "baseline_fields": model.baseline_fields,
                "base_value": attr.base_value,
                "output_value": attr.output_value,
                "additivity_error": attr.additivity_error,
                "attributions": [g.as_dict() for g in groups],
            },
        }
        outcome = narrative.Outcome(
            model.name,
            label,
            info.display,
            confidence,
            groups,
            info.queue,
            info.response_time,
            ranked=_ranked(groups, picks),
            is_default=attr.label == self._default[model.name],
            words=[p.key for p in picks if p.kind == "text"],
            holds=_Check(rerun, attr.label, shifts).holds,
        )
        return block, outcome

    def _customer(
        self,
        outcomes: list[narrative.Outcome],
        red: RedactedTicket,
        reruns: dict[str, Rerun],
        hand: dict[str, Any],
    ) -> dict[str, Any]:
        """The facts the customer is told (which reasons, which counterfactual); the
        sentences are filled in from them."""
        by_name = {o.model: o for o in outcomes}
        if hand["required"]:
            # A person handles it: nothing may point the customer to a topic queue, and
            # after opting out no model output is worded at all.
            by_name.pop("intent", None)
            if "opted_out" in hand["reasons"]:
                by_name.clear()
        order = [by_name[n] for n in ("priority", "intent") if n in by_name]
        shown = narrative.reasons(order)

        def rerun(name: str, subject: str, body: str) -> str:
            return reruns[name].predict(join_fields(subject, body))

        cf = counterfactual(shown, red.subject, red.body, rerun)
        if cf is not None:
            display = self.models[cf["model"]].labels[cf["label"]].display
            cf = {**cf, "display": display, "text": ""}
        return {
            "summary": "",
            "reason_details": narrative.reason_details(shown),
            "notice": "",
            "counterfactual": cf,
            "defaulted": [o.model for o in order if o.is_default],
        }


def _account_weights(model: LinearModel) -> NDArray[np.float64]:
    return np.asarray(model.coef_t[model.featurizer.account_cols], dtype=np.float64)


class _Check:
    """Whether deleting a reason's words, or resetting its account field, lowers the
    label's probability: what its sentence states, checked on exactly that edit."""

    def __init__(self, rerun: Rerun, label: int, shifts: Mapping[str, NDArray[np.float64]]):
        self.rerun, self.label, self.shifts = rerun, label, shifts
        self._known: dict[str, bool] = {}

    @cached_property
    def logits(self) -> NDArray[np.float64]:
        return self.rerun.logits(" ".join(self.rerun.old))

    @cached_property
    def p(self) -> float:
        return float(softmax(self.logits)[self.label])

    def holds(self, g: Group) -> bool:
        if g.feature not in self._known:
            self._known[g.feature] = self._holds(g)
        return self._known[g.feature]

    def _holds(self, g: Group) -> bool:
        if g.kind == "account":
            shift = self.shifts.get(str(g.field))
            return shift is not None and float(softmax(self.logits + shift)[self.label]) < self.p
        phrase = g.feature[5:].split(" ")
        if not telling(phrase[0]) or not telling(phrase[-1]):
            return False  # a function word at an edge reads as a fragment
        old, n = self.rerun.old, len(phrase)
        gone: set[int] = set()
        for i in range(len(old) - n + 1):
            if old[i : i + n] == phrase:
                gone.update(range(i, i + n))
        return float(softmax(self.rerun.without(gone))[self.label]) < self.p


def _ranked(groups: list[Group], picks: list[Pick]) -> list[Group]:
    """The groups the search's picks make up, in the order of their first pick.

    A phrase is made of picked words only, so its rank is its earliest word's.
    """
    rank = {p.key: i for i, p in enumerate(picks)}
    found: list[tuple[int, Group]] = []
    for g in groups:
        keys = g.feature[5:].split(" ") if g.kind == "text" else [str(g.field)]
        ranks = [rank.get(k) for k in keys]
        if ranks and all(r is not None for r in ranks):
            found.append((min(r for r in ranks if r is not None), g))
    found.sort(key=lambda rg: (rg[0], -rg[1].value))
    return [g for _, g in found]
