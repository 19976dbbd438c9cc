"""``Client``: the Explainer API over HTTP, with retries that can never store twice.

Every write carries an ``Idempotency-Key`` (one is made when the caller gives none) and
every retry of it sends the same key, so a retried request either stores the ticket or
replays what was stored. Retries follow 503/502/504/429 answers (honouring
``Retry-After``) and transport errors (a reset connection, a worker killed mid-answer,
a timeout), with exponential backoff and jitter.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

import requests
from pydantic import BaseModel

from explainer_client.models import BatchOut, Decision, LogInfo, Receipt, TicketIn
from explainer_client.receipts import ReceiptError, verify_signature

__all__ = ["ApiError", "Client", "RetryPolicy"]

T = TypeVar("T", bound=BaseModel)
Ticket = TicketIn | Mapping[str, Any]

_TRANSPORT_ERRORS = (requests.ConnectionError, requests.Timeout)


class ApiError(Exception):
    """The API answered with a problem (RFC 9457): ``status`` and the problem document."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        self.status = status
        self.problem = dict(problem)
        title = self.problem.get("title") or f"HTTP {status}"
        detail = self.problem.get("detail")
        super().__init__(f"{status} {title}" + (f": {detail}" if detail else ""))

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Field errors of a validation problem (empty otherwise)."""
        return list(self.problem.get("errors") or [])


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry; the defaults ride out a worker restart."""

    attempts: int = 6  # tries in all, the first included
    first_wait: float = 0.2  # seconds; doubles each retry
    max_wait: float = 10.0
    statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 502, 503, 504}))

    def wait(self, retry: int, retry_after: str | None) -> float:
        """Seconds before retry number ``retry`` (0-based): Retry-After, else backoff."""
        if retry_after is not None and retry_after.strip().isdigit():
            return min(float(retry_after), self.max_wait)
        backoff = min(self.max_wait, self.first_wait * 2.0**retry)
        return backoff * random.uniform(0.5, 1.0)  # jitter, not secrecy


class Client:
    """The Explainer API for one base URL and API key.

    ``Client(base_url, api_key)``; use it as a context manager, or call ``close()``.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._session = session or requests.Session()
        self._session.headers["User-Agent"] = "explainer-client/0.1"
        if api_key is not None:
            self._session.headers["Authorization"] = f"Bearer {api_key}"
        self._log: LogInfo | None = None

    # decisions
    def create_decision(self, ticket: Ticket, *, idempotency_key: str | None = None) -> Decision:
        """Decide, explain and store one ticket; retried safely under one idempotency key."""
        key = idempotency_key or _new_key()
        body = _ticket_json(ticket)
        answer = self._call("POST", "/api/v1/decisions", body, {"Idempotency-Key": key})
        return Decision.model_validate(answer)

    def create_decisions(
        self, tickets: Sequence[Ticket], *, idempotency_keys: Sequence[str] | None = None
    ) -> BatchOut:
        """Up to 100 tickets in one request, each with its own key and its own result."""
        keys = list(idempotency_keys) if idempotency_keys is not None else None
        if keys is not None and len(keys) != len(tickets):
            raise ValueError("give one idempotency key per ticket")
        items = [
            {"idempotency_key": keys[i] if keys else _new_key(), "ticket": _ticket_json(t)}
            for i, t in enumerate(tickets)
        ]
        answer = self._call("POST", "/api/v1/decisions:batch", {"items": items})
        return BatchOut.model_validate(answer)

    def get_decision(self, decision_id: str) -> Decision:
        """A stored decision with its customer link and receipt."""
        return Decision.model_validate(self._call("GET", f"/api/v1/decisions/{decision_id}"))

    def explain(self, ticket: Ticket) -> Decision:
        """Decide and explain without storing (nothing is kept; safe to retry)."""
        return Decision.model_validate(self._call("POST", "/api/v1/explain", _ticket_json(ticket)))

    # the log
    def log(self, *, refresh: bool = False) -> LogInfo:
        """The log's id, public key(s) and latest signed head (kept after the first call)."""
        if self._log is None or refresh:
            self._log = LogInfo.model_validate(self._call("GET", "/api/v1/log"))
        return self._log

    def verify_receipt(
        self,
        receipt: Receipt | Mapping[str, Any] | None,
        *,
        public_key: str | None = None,
        against_log: bool = False,
    ) -> bool:
        """True when the receipt holds; ReceiptError says why when it does not.

        Pin the log's key with ``public_key`` (otherwise the key the server serves is
        trusted). ``against_log`` also checks that the log's leaf at the receipt's index
        is still the receipt's (an edited or replaced record fails).
        """
        if receipt is None:
            raise ReceiptError("no receipt (a preview is not stored)")
        held = receipt if isinstance(receipt, Receipt) else Receipt.model_validate(receipt)
        info = self.log()
        keys: Iterable[str] = [public_key] if public_key else [info.public_key, *info.previous_keys]
        verify_signature(held, info.log_id, keys)
        if against_log and held.index is not None:
            query = {"start": held.index, "end": held.index + 1}
            served = self._call("GET", "/api/v1/log/leaves", params=query)["leaf_hashes"]
            if served != [held.leaf_hash]:
                raise ReceiptError(f"the log's leaf {held.index} is not this receipt's record")
        return True

    # plumbing
    def close(self) -> None:
        """Close the HTTP session."""
        self._session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """One API call, retried by the policy; the parsed JSON answer or ApiError."""
        url = self.base_url + path
        for attempt in range(self.retry.attempts):
            last = attempt == self.retry.attempts - 1
            try:
                answer = self._session.request(
                    method, url, json=body, headers=headers, params=params, timeout=self.timeout
                )
            except _TRANSPORT_ERRORS:
                if last:
                    raise
                time.sleep(self.retry.wait(attempt, None))
                continue
            if answer.status_code in self.retry.statuses and not last:
                time.sleep(self.retry.wait(attempt, answer.headers.get("Retry-After")))
                continue
            if answer.status_code >= 400:
                raise ApiError(answer.status_code, _problem(answer))
            return answer.json()
        raise AssertionError("unreachable: the last attempt returns or raises")


def _new_key() -> str:
    return f"explainer-client-{uuid.uuid4()}"


def _ticket_json(ticket: Ticket) -> dict[str, Any]:
    if isinstance(ticket, TicketIn):
        return ticket.model_dump(mode="json", exclude_none=True, exclude_unset=True)
    return dict(ticket)


def _problem(answer: requests.Response) -> dict[str, Any]:
    try:
        found = answer.json()
    except ValueError:
        return {"title": answer.reason or "error", "detail": answer.text[:500]}
    return found if isinstance(found, dict) else {"title": "error", "detail": str(found)[:500]}
