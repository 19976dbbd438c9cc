"""Orchestration: registry -> decide -> store -> signed link. No Flask here.

The web layer and the CLI hold one :class:`Service` per application; it owns the
loaded models, the store and the link signer, and knows nothing about HTTP.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explainer.decide import Decider
from explainer.errors import ExplainerError, NotFoundError
from explainer.links import LinkSigner
from explainer.registry import load_models
from explainer.schemas import TicketIn

if TYPE_CHECKING:
    from explainer.store import Store

__all__ = [
    "DECISION_ID",
    "ModelsUnavailable",
    "Service",
    "request_hash",
    "settle_secret_key",
]

# Ids the store hands out are short and URL-safe; anything else is not worth a query.
DECISION_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_SECRET_FILE = "secret_key"  # noqa: S105 - the file name, not a secret


class ModelsUnavailable(ExplainerError):
    """No trained model is loaded, so nothing can be decided."""

    status = 503
    type_slug = "models-unavailable"
    title = "No models loaded"


def request_hash(ticket: TicketIn) -> str:
    """SHA-256 of the canonical JSON of a validated ticket (same meaning, same hash)."""
    canonical = json.dumps(
        ticket.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def settle_secret_key(config: dict[str, Any]) -> str:
    """The configured SECRET_KEY, else the one kept in ``INSTANCE_PATH/secret_key``.

    The file is created once, mode 0600, with an exclusive create so two processes
    starting together agree on one key.
    """
    if config.get("SECRET_KEY"):
        return str(config["SECRET_KEY"])
    path = Path(config["INSTANCE_PATH"]) / _SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text("utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text("utf-8").strip()


@dataclass
class Service:
    """One application's models, store and link signer."""

    config: dict[str, Any]
    decider: Decider
    store: Store
    signer: LinkSigner
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Service:
        """Load the current models once and open the store named by the config."""
        from explainer.store import Store

        models = load_models(Path(config["MODELS_DIR"]))
        signer = LinkSigner(settle_secret_key(config), int(config["LINK_MAX_AGE_DAYS"]))
        cards = {name: m.card for name, m in models.items()}
        return cls(config, Decider(models), Store.from_config(config), signer, cards)

    @property
    def models_loaded(self) -> bool:
        """Whether at least one model is in service."""
        return bool(self.decider.models)

    def preview(self, ticket: TicketIn) -> dict[str, Any]:
        """Classify and explain without storing (``id`` and ``links`` stay null)."""
        self._need_models()
        return self.decider.decide(ticket)

    def create(
        self, ticket: TicketIn, *, idempotency_key: str | None, api_key_id: str | None
    ) -> tuple[dict[str, Any], bool]:
        """Decide and store durably; ``(decision, created)``, False on an idempotent replay."""
        self._need_models()
        decision = self.decider.decide(ticket)
        stored, created = self.store.save_decision(
            decision,
            idempotency_key=idempotency_key,
            request_hash=request_hash(ticket),
            api_key_id=api_key_id,
        )
        return self.with_links(stored), created

    def get(self, decision_id: str) -> dict[str, Any]:
        """A stored decision with its customer link; NotFoundError when unknown."""
        decision = (
            self.store.get_decision(decision_id) if DECISION_ID.fullmatch(decision_id) else None
        )
        if decision is None:
            raise NotFoundError("no decision with this id")
        return self.with_links(decision)

    def proof(self, decision_id: str) -> dict[str, Any]:
        """The inclusion proof of a stored decision in the tamper-evident log."""
        self.get(decision_id)
        return self.store.inclusion_proof(decision_id)

    def why_url(self, decision_id: str, created_at: str | None = None) -> str:
        """The signed customer link for one decision; it expires counting from ``created_at``."""
        base = str(self.config["PUBLIC_URL"]).rstrip("/")
        issued = datetime.fromisoformat(created_at).timestamp() if created_at else None
        return f"{base}/why/{self.signer.token(decision_id, issued)}"

    def with_links(self, decision: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``decision`` with ``links.why`` filled in."""
        url = self.why_url(str(decision["id"]), decision.get("created_at"))
        return {**decision, "links": {"why": url}}

    def ready(self) -> dict[str, bool]:
        """Readiness checks: the database answers and models are loaded."""
        try:
            database = self.store.ping() is not False
        except Exception:  # any failure to reach the database means "not ready"
            database = False
        return {"database": database, "models": self.models_loaded}

    def close(self) -> None:
        """Release the store's connection pool."""
        self.store.dispose()

    def _need_models(self) -> None:
        if not self.models_loaded:
            raise ModelsUnavailable("no trained models are loaded; run `explainer train`")
