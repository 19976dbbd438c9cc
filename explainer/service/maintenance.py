"""Work the service does by itself while it serves: the retention purge.

Every serving process runs one daemon thread that asks the store, now and then, whether
a purge is due; the store answers under its write lock, so one process purges per
interval however many workers ask, and a restart neither skips nor repeats one.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from explainer.store import Store

__all__ = ["Maintenance"]

log = logging.getLogger(__name__)

_LONGEST_WAIT = 300.0  # seconds between asks: a purge is at most this late


class Maintenance:
    """The retention purge every ``every`` (started after a worker forks, stopped on exit)."""

    def __init__(self, store: Store, every: timedelta) -> None:
        self._store = store
        self._every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin asking (no-op when disabled or already running)."""
        if self._every <= timedelta(0) or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="maintenance", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop asking; waits for a purge under way to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def run_once(self) -> None:
        """Purge if due; failures are logged (no personal data) and retried next time."""
        try:
            done = self._store.purge_if_due(self._every)
        except Exception as exc:  # the service must keep serving: try again later
            log.warning("retention purge failed (%s); retrying later", type(exc).__name__)
            return
        if done is not None:
            erased = sum(done[k] for k in ("decision", "review_request", "feedback"))
            log.info("retention purge: %d payloads older than %s erased", erased, done["cutoff"])

    def _loop(self) -> None:
        wait = min(self._every.total_seconds(), _LONGEST_WAIT)
        self.run_once()
        while not self._stop.wait(wait):
            self.run_once()
