"""The decision path: redact -> featurize -> classify -> attribute -> group -> word.

Pure domain code (no Flask, no database): returns the typed :class:`Decision` of
SPEC section 3 with ``id`` and ``links`` left null; the store and the service fill them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from explainer.decision import Decision
from explainer.explain.attribution import METHOD, OUTPUT_SPACE, explain_row
from explainer.explain.grouping import Layout, group_attributions
from explainer.explain.rerun import Rerun
from explainer.model.cards import BASELINE_TEXT
from explainer.model.featurizer import Row
from explainer.model.linear import LinearModel
from explainer.model.text import join_fields, tokenize
from explainer.privacy.redaction import phone_regions, redact
from explainer.schemas import TicketIn
from explainer.wording import narrative

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

    def __init__(self, models: Mapping[str, LinearModel]) -> None:
        self.models = dict(models)

    def decide(self, ticket: TicketIn, now: datetime | None = None) -> Decision:
        """The full decision object for one ticket (a preview: no id, no links)."""
        return self.explain(RedactedTicket.of(ticket), now)

    def explain(self, red: RedactedTicket, now: datetime | None = None) -> Decision:
        """The decision object for an already redacted ticket: models, reasons, wording."""
        text = join_fields(red.subject, red.body)
        tokens = tokenize(text)
        layout = Layout.of(tokens, text, len(red.subject))
        blocks: dict[str, Any] = {}
        outcomes: list[narrative.Outcome] = []
        rows: list[tuple[LinearModel, Row, NDArray[np.float64]]] = []
        for name, model in self.models.items():
            like = next(
                (r for m, r, _ in rows if model.featurizer.shares_text_with(m.featurizer)), None
            )
            row = model.row(text, red.fields, tokens, like)
            weights = model.coef_t[row.cols]
            rows.append((model, row, weights))
            block, outcome = self._one(model, row, weights, layout, red.fields)
            blocks[name] = block
            outcomes.append(outcome)
        created = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return Decision.model_validate(
            {
                "created_at": created,
                "ticket": red.as_dict(),
                "intent": blocks.get("intent"),
                "priority": blocks.get("priority"),
                "customer": self._customer(
                    outcomes, red, dict(zip(self.models, rows, strict=True))
                ),
                "template_version": narrative.TEMPLATE_VERSION,
            }
        )

    def _one(
        self,
        model: LinearModel,
        row: Row,
        weights: NDArray[np.float64],
        layout: Layout,
        fields: Mapping[str, Any],
    ) -> tuple[dict[str, Any], narrative.Outcome]:
        attr = explain_row(model, row, weights)
        groups = group_attributions(model, row, attr, layout, fields)
        label = model.classes[attr.label]
        info = model.labels[label]
        confidence = float(attr.probabilities[attr.label])
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
            model.name, label, info.display, confidence, groups, info.queue, info.response_time
        )
        return block, outcome

    def _customer(
        self,
        outcomes: list[narrative.Outcome],
        red: RedactedTicket,
        rows: dict[str, tuple[LinearModel, Row, NDArray[np.float64]]],
    ) -> dict[str, Any]:
        by_name = {o.model: o for o in outcomes}
        order = [by_name[n] for n in ("priority", "intent") if n in by_name]
        reruns: dict[str, Rerun] = {}

        def rerun(name: str, subject: str, body: str) -> str:
            if name not in reruns:  # built on first use: many tickets re-run one model only
                reruns[name] = Rerun(*rows[name])
            return reruns[name].predict(join_fields(subject, body))

        cf = narrative.counterfactual(order, red.subject, red.body, rerun)
        if cf is not None:
            display = self.models[cf["model"]].labels[cf["label"]].display
            cf = {**cf, "display": display, "text": narrative.counterfactual_text(cf, display)}
        details = narrative.reasons(outcomes)
        return {
            "summary": narrative.summary(by_name.get("intent"), by_name.get("priority")),
            "reason_details": details,
            "notice": narrative.NOTICE,
            "counterfactual": cf,
        }
