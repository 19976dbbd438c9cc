"""Work the service does by itself while it serves: the retention purge, and picking up
model versions a promotion or rollback made current.

Every serving process runs one daemon thread that asks the store, now and then, whether
a purge is due; the store answers under its write lock, so one process purges per
interval however many workers ask, and a restart neither skips nor repeats one.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Protocol

from explainer.store import Store

__all__ = ["Maintenance", "ModelWatcher"]

log = logging.getLogger(__name__)

_LONGEST_WAIT = 300.0  # seconds between asks: a purge is at most this late


class _Daemon:
    """One daemon thread running ``_loop`` until stopped (started after a worker forks)."""

    name = "daemon"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def enabled(self) -> bool:
        return True

    def start(self) -> None:
        """Begin (no-op when disabled or already running)."""
        if not self.enabled() or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop; waits for work under way to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        raise NotImplementedError


class Maintenance(_Daemon):
    """The retention purge every ``every`` (started after a worker forks, stopped on exit)."""

    name = "maintenance"

    def __init__(self, store: Store, every: timedelta) -> None:
        super().__init__()
        self._store = store
        self._every = every

    def enabled(self) -> bool:
        return self._every > timedelta(0)

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


class _Reloads(Protocol):
    def reload_models_if_changed(self) -> bool: ...


class ModelWatcher(_Daemon):
    """Every ``every`` seconds, serve the versions ``models/*/current`` names (each worker
    on its own, so a promotion reaches every process within that time, no restart)."""

    name = "model-watch"

    def __init__(self, service: _Reloads, every: float) -> None:
        super().__init__()
        self._service = service
        self._every = every

    def enabled(self) -> bool:
        return self._every > 0

    def run_once(self) -> None:
        """Reload when the current versions changed; a failure keeps the old ones serving."""
        try:
            if self._service.reload_models_if_changed():
                log.info("serving newly current model versions")
        except Exception as exc:  # keep serving what verified; say why, try again later
            log.warning("new model versions not loaded (%s: %s)", type(exc).__name__, exc)

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            self.run_once()
