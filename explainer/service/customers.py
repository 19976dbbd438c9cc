"""What the customer's link reaches: the decision, its reviews and feedback, two actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from explainer.decision import Decision
from explainer.service.links import LinkSigner
from explainer.store import Store

__all__ = ["CustomerView", "Customers"]

_MAX_TOKEN = 512  # a real token is about 80 characters; longer ones are not worth a query


@dataclass(frozen=True)
class CustomerView:
    """One live link's decision with its review requests (with outcomes) and feedback."""

    decision_id: str
    decision: Decision
    reviews: list[dict[str, Any]]
    feedback: list[dict[str, Any]]

    @property
    def review_pending(self) -> bool:
        """Whether a review request is still waiting for a person."""
        return any(r.get("status") == "pending" for r in self.reviews)


class Customers:
    """The customer page's reads and actions, keyed by the signed link."""

    def __init__(self, store: Store, signer: LinkSigner) -> None:
        self._store = store
        self._signer = signer

    def view(self, token: str) -> CustomerView | None:
        """The decision a live link names; None when the link is wrong, expired or revoked."""
        named = self._signer.read(token) if len(token) <= _MAX_TOKEN else None
        if named is None:
            return None
        decision_id, generation = named
        found = self._store.customer_view(decision_id, generation)
        if found is None or found[0].id != decision_id:
            return None
        return CustomerView(decision_id, *found)

    def token(self, decision_id: str) -> str:
        """A new signed link token for one decision."""
        return self._signer.token(decision_id)

    def refreshed(self, view: CustomerView) -> CustomerView:
        """The same decision with its reviews and feedback read again (after an action)."""
        store, decision_id = self._store, view.decision_id
        reviews, feedback = store.reviews_for(decision_id), store.feedback_for(decision_id)
        return CustomerView(decision_id, view.decision, reviews, feedback)

    def request_review(self, view: CustomerView, comment: str | None) -> None:
        """Ask a person to review the decision; one pending request at a time."""
        if not view.review_pending:
            self._store.add_review_request(view.decision_id, comment)

    def receipts(self, view: CustomerView) -> list[dict[str, Any]]:
        """The log's receipts for the decision and for what the customer added to it."""
        records = [("decision", view.decision_id)]
        records += [("review_request", str(r["id"])) for r in view.reviews if r.get("id")]
        records += [("feedback", str(f["id"])) for f in view.feedback if f.get("id")]
        return [self._store.receipt(kind, ref_id) for kind, ref_id in records]

    def give_feedback(self, view: CustomerView, helpful: bool, comment: str | None) -> None:
        """Record whether the explanation helped; the first answer counts."""
        if not view.feedback:
            self._store.add_feedback(view.decision_id, helpful, comment)
