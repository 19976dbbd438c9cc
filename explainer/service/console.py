"""The audit console's door: search, one decision's record, reviews, reports, the log check."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from explainer.decision import Decision
from explainer.errors import ExplainerError, NotFoundError, ValidationFailed
from explainer.model.registry import MODEL_NAMES, load_card
from explainer.oversight.importance import ModelImportance, importance_by_version
from explainer.oversight.query import SearchQuery
from explainer.oversight.report import FairnessReport
from explainer.oversight.roles import User
from explainer.store import VerifyResult
from explainer.wording.review import review_outcome

if TYPE_CHECKING:
    from explainer.service.core import Service

__all__ = ["Console", "DecisionRecord", "label_choices"]


def label_choices(cards: Mapping[str, Mapping[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """``{model: [{"label", "display"}, ...]}`` from the cards in service."""
    return {
        name: [
            {"label": str(c["label"]), "display": str(c.get("display") or c["label"])}
            for c in (cards.get(name) or {}).get("classes", [])
        ]
        for name in MODEL_NAMES
    }


@dataclass(frozen=True)
class DecisionRecord:
    """One decision as the console shows it: the decision, people's records, its proof."""

    decision: Decision
    reviews: list[dict[str, Any]]
    resolutions: list[dict[str, Any]]
    feedback: list[dict[str, Any]]
    proof: dict[str, Any] | None
    accesses: list[dict[str, Any]]


class Console:
    """Reads across decisions, and the one write a reviewer makes (a resolution)."""

    def __init__(self, service: Service) -> None:
        self._service = service
        self._store = service.store

    def label_choices(self) -> dict[str, list[dict[str, str]]]:
        """The labels of the models in service, with their display names."""
        return label_choices(self._service.cards)

    def search(self, query: SearchQuery) -> tuple[list[dict[str, Any]], int]:
        """One page of matching decisions, and how many match in all."""
        return self._store.search(query)

    def export(self, query: SearchQuery) -> Iterator[dict[str, Any]]:
        """Every matching decision's summary, streamed."""
        return self._store.search_all(query)

    def record(self, decision_id: str, viewer: User) -> DecisionRecord:
        """One decision with its reviews, resolutions, feedback and inclusion proof.

        Opening it shows the customer's message, so unless it was erased the opening is
        logged (who, as what, when): the one read that writes, on purpose.
        """
        decision = self._service.find(decision_id)
        if decision is None:
            raise NotFoundError("no decision with this id")
        if not decision.erased:
            self._store.record_accesses([decision_id], viewer.username, viewer.role)
        try:
            proof: dict[str, Any] | None = self._store.inclusion_proof(decision_id, sign=True)
        except ExplainerError:
            proof = None
        store = self._store
        return DecisionRecord(
            decision,
            store.reviews_for(decision_id),
            store.resolutions_for(decision_id),
            store.feedback_for(decision_id),
            proof,
            store.accesses_for(decision_id),
        )

    def card(self, name: str, version: str) -> dict[str, Any] | None:
        """The model card of one version, or None when that version is gone from disk."""
        try:
            return load_card(self._service.models_dir, name, version)
        except (ExplainerError, OSError):
            return None  # its stored decisions still show

    def verify_log(self) -> VerifyResult:
        """Recompute the tamper-evident log now."""
        return self._store.verify_log()

    def review_queue(
        self, page: int, per_page: int, viewer: User
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the triage queue: hand-offs first, then open customer requests.

        Each card carries what a reviewer judges by (the redacted message, the customer's
        comments, the labels' display names), so showing a page is logged like opening
        each of its decisions that still holds personal data.
        """
        rows, total = self._store.review_queue(per_page, (page - 1) * per_page)
        cards = [self._queue_card(row) for row in rows]
        shown = [c["id"] for c in cards if not c["erased"]]
        if shown:
            self._store.record_accesses(shown, viewer.username, viewer.role)
        return cards, total

    def _queue_card(self, row: dict[str, Any]) -> dict[str, Any]:
        decision = self._service.find(row["id"])
        assert decision is not None  # the queue lists stored decisions only
        asked = self._store.reviews_for(row["id"])
        return {
            **row,
            "erased": decision.erased,
            "subject": decision.ticket.subject,
            "body": decision.ticket.body,
            "intent_display": decision.intent.display if decision.intent else row["intent"],
            "priority_display": decision.priority.display if decision.priority else row["priority"],
            "comments": [(r["created_at"], r["comment"]) for r in asked if r.get("comment")],
        }

    def resolve(
        self, decision_id: str, reviewer: str, labels: Mapping[str, str | None], note: str | None
    ) -> None:
        """Confirm (no labels) or correct a decision's labels; a logged record.

        A label must be one the model in service knows, or the decision's own.
        """
        decision = self._service.find(decision_id)
        if decision is None:
            raise NotFoundError("no decision with this id")
        choices = self.label_choices()
        before: dict[str, str | None] = dict.fromkeys(MODEL_NAMES)
        before.update((m, block.label) for m, block in decision.models())
        for model, value in labels.items():
            allowed = {c["label"] for c in choices.get(model, [])} | {before.get(model)}
            if value is not None and value not in allowed:
                raise ValidationFailed(f"Unknown {model} label.")
        after = {m: labels.get(m) or before[m] for m in before}
        displays = {m: {c["label"]: c["display"] for c in choices[m]} for m in choices}
        outcome = review_outcome(before, after, displays)
        self._store.resolve_review(decision_id, reviewer, after, note, outcome)

    def reviewed(self) -> list[dict[str, Any]]:
        """Reviewed decisions with their final labels (the retraining export)."""
        return self._store.reviewed()

    def fairness(
        self, since: datetime | None, until: datetime | None, min_group: int
    ) -> FairnessReport:
        """The fairness report over decisions made in ``[since, until)``."""
        # pandas and fairlearn load on the first report, not with the service.
        from explainer.oversight.fairness import fairness_report

        return fairness_report(self._store.fairness_rows(since, until), min_group=min_group)

    def model_history(self, name: str) -> list[tuple[ModelImportance, dict[str, Any] | None]]:
        """Per stored version of one model: global importance with drift, and its card."""
        found = importance_by_version(name, self._store.attribution_items(name))
        return [(m, self.card(name, m.version)) for m in found]
