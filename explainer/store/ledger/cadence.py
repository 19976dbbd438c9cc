"""Sign a head within a set time of any new record, off the request path.

A process that writes pokes the cadence after each commit; the first poke arms a
one-shot timer and later pokes ride on it, so a busy process signs at most one head
per interval and an idle one none. The timer thread is made lazily, after the first
write, so it never exists in a process that forks afterwards.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["Cadence"]

log = logging.getLogger(__name__)


class Cadence:
    """Calls ``sign`` once, ``interval`` seconds after the first poke since the last call.

    ``what`` names the work in the warning when it fails (it is retried on the next poke).
    """

    def __init__(
        self, sign: Callable[[], object], interval: float, what: str = "sign a tree head"
    ) -> None:
        self._sign = sign
        self._interval = interval
        self._what = what
        self._lock = threading.Lock()
        self._running = threading.Lock()  # held while the work runs
        self._timer: threading.Timer | None = None

    def poke(self) -> None:
        """A record was written: make sure a head follows within the interval."""
        with self._lock:
            if self._timer is None:
                self._timer = threading.Timer(self._interval, self._fire)
                self._timer.daemon = True
                self._timer.start()

    def cancel(self) -> bool:
        """Forget a pending head, and wait for one under way: after this returns, nothing
        of ours touches the database (so the caller may dispose of its pool); whether
        one was pending."""
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        with self._running:
            pass
        return timer is not None

    def _fire(self) -> None:
        with self._lock:
            if self._timer is not threading.current_thread():
                return  # cancelled just as it fired
            self._timer = None
            self._running.acquire()
        try:
            self._sign()
        except Exception as exc:  # retried on the next poke; never kill the thread
            log.warning("could not %s (%s); the next poke retries", self._what, type(exc))
        finally:
            self._running.release()
