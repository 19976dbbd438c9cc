"""The service: one object per application that every surface calls. No Flask here.

It owns the loaded models, the store and the link signer, and knows nothing about
HTTP. Decisions are made and read here; the customer page, the console and the
operator's commands reach the store through the facets it holds (``customers``,
``console``, ``admin``, ``accounts``), so no view or command touches the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from explainer.decision import Decision, Links, Receipt
from explainer.errors import ExplainerError, NotFoundError
from explainer.explain.decide import Decider
from explainer.handoff.topics import SensitiveTopics
from explainer.model.registry import MODEL_NAMES, current_version, load_models
from explainer.schemas import TicketIn
from explainer.service.admin import Admin
from explainer.service.console import Console
from explainer.service.customers import Customers
from explainer.service.links import LinkSigner
from explainer.service.maintenance import Maintenance, ModelWatcher
from explainer.service.releases import Releases
from explainer.service.seeding import SeedColumns, SeedResult, seed
from explainer.service.webhooks import Deliverer, WebhookAdmin
from explainer.settings import Settings
from explainer.store import ApiKey, Store
from explainer.store.accounts import Accounts
from explainer.store.rate_limits import RateLimits
from explainer.wording.render import Names

__all__ = ["DECISION_ID", "ModelsUnavailable", "Service", "request_hash"]

# Ids the store hands out are short and URL-safe; anything else is not worth a query.
DECISION_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


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


@dataclass
class Service:
    """One application's models, store and link signer, and the facets over them."""

    settings: Settings
    decider: Decider
    store: Store
    signer: LinkSigner
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.customers = Customers(self.store, self.signer)
        self.console = Console(self)
        self.admin = Admin(self.store)
        self.accounts = Accounts(self.store)
        self.webhooks = WebhookAdmin(self.store, self.settings)
        self.releases = Releases(self.store, self.settings)
        budget = self.settings.rate_budget
        self.rate_limits = RateLimits(self.store.engine, *budget) if budget else None
        self._maintenance: Maintenance | None = None
        self._deliverer: Deliverer | None = None
        self._watcher: ModelWatcher | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, models: bool = True) -> Service:
        """Load the current models once (unless ``models=False``) and open the store."""
        loaded = load_models(settings.models_dir) if models else {}
        signer = LinkSigner(settings.secret, settings.link_max_age_days)
        cards = {name: m.card for name, m in loaded.items()}
        topics = SensitiveTopics.load(settings.sensitive_topics_file)
        decider = Decider(loaded, topics)
        return cls(settings, decider, Store.from_settings(settings), signer, cards)

    @property
    def models_dir(self) -> Path:
        """Where the model versions and their cards live."""
        return self.settings.models_dir

    @property
    def models_loaded(self) -> bool:
        """Whether at least one model is in service."""
        return bool(self.decider.models)

    def label_info(self, model: str, label: str, lang: str = "en") -> dict[str, str]:
        """How a label of a model in service is shown (display, queue, response time)."""
        named = self.decider.names.label(model, label, lang)
        if named is None:  # a label no model in service knows (an older version's)
            return {"display": label.replace("_", " ").capitalize()}
        return dict(named)

    @property
    def serving(self) -> tuple[tuple[str, str], ...]:
        """The model versions in service, as (name, version): what names on pages come
        from, so a kept page is kept per these."""
        return tuple((name, m.version) for name, m in self.decider.models.items())

    @property
    def names(self) -> Names:
        """Label and topic names in a language, for wording a stored decision again."""
        return self.decider.names

    def reload_models_if_changed(self) -> bool:
        """Serve the versions ``models/<name>/current`` names, when a promotion or a
        rollback changed them; True when it swapped. A version that does not verify
        raises, and the versions in service keep serving."""
        want = {n: v for n in MODEL_NAMES if (v := current_version(self.models_dir, n))}
        have = {n: m.version for n, m in self.decider.models.items()}
        if want == have:
            return False
        loaded = load_models(self.models_dir)
        # One assignment each: a request already running keeps the decider it started with.
        self.cards = {name: m.card for name, m in loaded.items()}
        self.decider = Decider(loaded, self.decider.topics)
        return True

    def preview(self, ticket: TicketIn) -> Decision:
        """Classify and explain without storing (``id`` and ``links`` stay null)."""
        self._need_models()
        return self.decider.decide(ticket)

    def create(
        self, ticket: TicketIn, *, idempotency_key: str | None, api_key_id: str | None
    ) -> tuple[Decision, bool]:
        """Decide and store durably; ``(decision, created)``, False on an idempotent replay."""
        self._need_models()
        decision = self.decider.decide(ticket)
        stored, created = self.store.save_decision(
            decision,
            idempotency_key=idempotency_key,
            # Only a replay compares hashes: without a key there is nothing to hash for.
            request_hash=request_hash(ticket) if idempotency_key is not None else None,
            api_key_id=api_key_id,
        )
        return self.with_links(stored), created

    def seed(
        self,
        rows: Iterable[Mapping[str, Any]],
        cols: SeedColumns,
        times: list[datetime],
        progress: Callable[[int], None] = lambda _n: None,
    ) -> SeedResult:
        """Decide and store rows of an export, each at its own time (``explainer seed``)."""
        self._need_models()
        return seed(self.decider, self.store, rows, cols, times, progress)

    def find(self, decision_id: str) -> Decision | None:
        """The stored decision without links, or None when the id is unknown."""
        return self.store.get_decision(decision_id) if DECISION_ID.fullmatch(decision_id) else None

    def get(self, decision_id: str) -> Decision:
        """A stored decision with its customer link and receipt; NotFoundError when unknown."""
        decision = self.find(decision_id)
        if decision is None:
            raise NotFoundError("no decision with this id")
        receipt = Receipt.model_validate(self.store.receipt("decision", decision_id))
        link = self.store.link_state(decision_id)  # the live link, after any reissue
        issued = link.issued_at.isoformat() if link.issued_at else decision.created_at
        url = self.why_url(decision_id, issued, link.generation)
        return decision.model_copy(update={"links": Links(why=url), "receipt": receipt})

    def log(self) -> dict[str, Any]:
        """What anyone may know of the log: its id, public key and latest signed head."""
        return self.store.log.public()

    def log_leaves(self, start: int, end: int) -> list[str]:
        """Leaf hashes ``start`` to ``end`` (exclusive), for outside verifiers."""
        return self.store.log.leaf_hashes(start, end)

    def log_consistency(self, first: int, second: int) -> list[str]:
        """RFC 6962 consistency proof between two tree sizes, hex (for witnesses)."""
        return self.store.log.consistency(first, second)

    def proof(self, decision_id: str) -> dict[str, Any]:
        """The inclusion proof of a stored decision in the tamper-evident log (NotFoundError
        for an id the log does not hold; no need to read and assemble the decision)."""
        if not DECISION_ID.fullmatch(decision_id):
            raise NotFoundError("no decision with this id")
        return self.store.inclusion_proof(decision_id)

    def spend(self, api_key_id: str, cost: int = 1) -> None:
        """Count a request (a batch: its tickets) against the key's rate limit, if any."""
        if self.rate_limits is not None:
            self.rate_limits.spend(api_key_id, cost)

    def authenticate(self, plaintext: str) -> ApiKey | None:
        """The API key a bearer token names, or None."""
        return self.store.api_keys.authenticate(plaintext)

    def why_url(self, decision_id: str, created_at: str | None = None, generation: int = 0) -> str:
        """The signed customer link for one decision; it expires counting from ``created_at``."""
        base = self.settings.public_url.rstrip("/")
        issued = datetime.fromisoformat(created_at).timestamp() if created_at else None
        return f"{base}/why/{self.signer.token(decision_id, issued, generation)}"

    def reissue_link(self, decision_id: str, actor: str) -> str:
        """Revoke the decision's live link and return a new one, valid from now."""
        link = self.store.reissue_link(decision_id, actor)  # NotFoundError when unknown
        assert link.issued_at is not None  # a reissue always has its moment
        return self.why_url(decision_id, link.issued_at.isoformat(), link.generation)

    def with_links(self, decision: Decision) -> Decision:
        """A copy of ``decision`` with ``links.why`` filled in."""
        url = self.why_url(str(decision.id), decision.created_at)
        return decision.model_copy(update={"links": Links(why=url)})

    def ready(self) -> dict[str, bool]:
        """Readiness checks: the store takes a write within a moment; models are loaded."""
        return {"database": self.store.ready(), "models": self.models_loaded}

    def close(self) -> None:
        """Release the store's connection pool (and drop a pending head: after a fork)."""
        self.store.dispose()

    def start_maintenance(self) -> Maintenance:
        """Run the retention purge (and, unless turned off, webhook delivery) in this
        serving process."""
        if self._maintenance is None:
            every = timedelta(hours=self.settings.purge_every_hours)
            self._maintenance = Maintenance(self.store, every)
            self._maintenance.start()
            if self.settings.models_watch_seconds > 0:
                self._watcher = ModelWatcher(self, self.settings.models_watch_seconds)
                self._watcher.start()
            if self.settings.webhook_deliver:
                self._deliverer = Deliverer(self.store, self.settings)
                self._deliverer.start()
        return self._maintenance

    def shutdown(self) -> None:
        """A clean stop: maintenance ends, a final signed head over this process's records."""
        if self._maintenance is not None:
            self._maintenance.stop()
        if self._deliverer is not None:
            self._deliverer.stop()
        if self._watcher is not None:
            self._watcher.stop()
        self.store.shutdown()

    def _need_models(self) -> None:
        if not self.models_loaded:
            raise ModelsUnavailable("no trained models are loaded; run `explainer train`")
