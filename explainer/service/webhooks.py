"""Delivering webhooks from the outbox: one process at a time, retried with backoff.

Every serving process (and ``explainer webhooks deliver``) runs a :class:`Deliverer`;
only the holder of the database lease delivers, so a message is sent by one process at
a time however many workers run. A message is retried with exponential backoff and
jitter until the receiver answers 2xx or ``webhook_max_attempts`` is reached (then it is
dead-lettered; the console can replay it). Every attempt of one message carries the same
``webhook-id``, so a receiver can drop duplicates: delivery is at least once.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from explainer.errors import ValidationFailed
from explainer.settings import Settings
from explainer.store import Store
from explainer.store.webhooks import Due
from explainer.webhooks.destinations import DestinationRefused, check_destination
from explainer.webhooks.events import EVENTS
from explainer.webhooks.signing import headers, new_secret, secret_bytes

__all__ = ["Deliverer", "WebhookAdmin"]

log = logging.getLogger(__name__)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could lead past the destination check: answer it as a failure."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)
_LEASE_SECONDS = 30.0
_BATCH = 50
_TIMEOUT = 10.0


class WebhookAdmin:
    """Subscriptions and the outbox, as operators and the console see them."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._settings = settings

    def add(self, url: str, events: list[str], secret: str | None) -> tuple[dict[str, Any], str]:
        """Subscribe ``url``; the subscription and its secret (made when none is given).

        ValidationFailed for an unknown event, a malformed secret or a refused URL.
        """
        unknown = sorted(set(events) - set(EVENTS))
        if not events or unknown:
            raise ValidationFailed(
                f"unknown event {', '.join(unknown)}; events are {', '.join(EVENTS)}"
                if unknown
                else "name at least one event"
            )
        secret = secret.strip() if secret else new_secret()
        try:
            secret_bytes(secret)
            check_destination(url, self._settings.webhook_allow_private)
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from None
        return self._store.webhooks.add(url, events, secret), secret

    def listing(self) -> list[dict[str, Any]]:
        """Every subscription with its messages counted by state."""
        return self._store.webhooks.listing()

    def remove(self, subscription_id: str) -> None:
        """Unsubscribe (NotFoundError when unknown)."""
        self._store.webhooks.remove(subscription_id)

    def messages(self, state: str | None = None) -> list[dict[str, Any]]:
        """Recent outbox messages, newest first (``state``: pending, delivered or dead)."""
        return self._store.webhooks.messages(state)

    def replay(self, msg_id: str) -> None:
        """Send a message again with its webhook-id (NotFoundError when unknown)."""
        self._store.webhooks.replay(msg_id)

    def deliverer(self) -> Deliverer:
        """A deliverer for this process (``explainer webhooks deliver``)."""
        return Deliverer(self._store, self._settings)


class Deliverer:
    """Sends due outbox messages while it holds the delivery lease."""

    def __init__(self, store: Store, settings: Settings, poll: float = 1.0) -> None:
        self._store = store
        self._settings = settings
        self._poll = poll
        self._holder = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def backoff(self, attempts: int) -> float:
        """Seconds before attempt ``attempts + 1``: doubling, capped, with full jitter."""
        s = self._settings
        ceiling = min(
            s.webhook_backoff_max_seconds, s.webhook_backoff_seconds * 2 ** (attempts - 1)
        )
        return float(ceiling / 2 + random.uniform(0, ceiling / 2))

    def run_once(self) -> int:
        """Deliver what is due now (if this process holds the lease); how many were sent."""
        hooks = self._store.webhooks
        # Idle polls only read: the lease (a write) is taken when there is work.
        if not hooks.any_due() or not hooks.take_lease(self._holder, _LEASE_SECONDS):
            return 0
        sent = 0
        for message in hooks.due(_BATCH):
            if self._stop.is_set():
                break
            error = self._send(message)
            if error is None:
                hooks.delivered(message.id)
                sent += 1
            else:
                state = hooks.failed(
                    message.id, error, self.backoff, self._settings.webhook_max_attempts
                )
                log.info("webhook %s attempt failed (%s); now %s", message.id, error, state)
        return sent

    def _send(self, message: Due) -> str | None:
        """None when the receiver took it; else a short reason (no payload, no secret)."""
        try:
            check_destination(message.url, self._settings.webhook_allow_private)
        except DestinationRefused as exc:
            return f"refused: {exc}"
        request = urllib.request.Request(  # noqa: S310 - check_destination allows http(s) only
            message.url,
            data=message.payload,
            headers=headers(message.secret, message.id, int(time.time()), message.payload),
            method="POST",
        )
        try:
            with _OPENER.open(request, timeout=_TIMEOUT) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            status = int(exc.code)
        except (OSError, ValueError) as exc:
            return type(exc).__name__
        return None if 200 <= status < 300 else f"HTTP {status}"

    def start(self) -> None:
        """Deliver in a daemon thread until :meth:`stop` (no-op when already running)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the message in hand and give the lease up."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=_TIMEOUT + 5)
        try:
            self._store.webhooks.release_lease(self._holder)
        except Exception as exc:  # stopping must not fail on a database that went away
            log.warning("could not release the webhook lease (%s)", type(exc).__name__)

    def run_forever(self) -> None:
        """Deliver in this thread until interrupted (``explainer webhooks deliver``)."""
        self._loop()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # keep serving: try again on the next poll
                log.warning("webhook delivery failed (%s); retrying", type(exc).__name__)
            self._stop.wait(self._poll)
