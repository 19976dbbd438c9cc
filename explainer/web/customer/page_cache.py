"""Rendered why pages, kept per worker and keyed by everything they show.

Rendering the template is most of a why page's time, and a page changes only when its
decision's state does. The key is the decision, whether its personal payload is still
held, the link token (the page's forms post to it), the page's language, the review
requests and feedback as read this request and the model versions in service (label
names come from them): the state is read from the database on
every request, so an erasure, purge, review or answer in any worker changes the key at
the next request. The two per-request values are filled in on the way out: the CSP
nonce and the form token are rendered as random markers and replaced. As with the
decision cache, entries expire after a minute and a page whose payload is gone drops
its personal copies (under any link), so that erased text does not linger in a busy
worker's memory.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

__all__ = ["CSRF_MARK", "NONCE_MARK", "PageCache"]

# Random per process, so no message can contain them; hex survives HTML escaping.
NONCE_MARK = "n" + secrets.token_hex(16)
CSRF_MARK = "c" + secrets.token_hex(16)


class PageCache:
    """Rendered pages with markers, at most ``size``, each living ``ttl`` seconds.

    Oldest first out: kept in the order they were made, so expiry looks only at the front.
    """

    def __init__(self, size: int = 512, ttl: float = 60.0) -> None:
        self._size, self._ttl = size, ttl
        self._items: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()
        # Decision id -> keys of its pages with personal text (whichever link showed them).
        self._held: dict[str, set[Hashable]] = {}
        self._lock = threading.Lock()

    def page(
        self,
        key: tuple[str, bool, Hashable],
        render: Callable[[], str],
        nonce: str,
        csrf: str,
    ) -> str:
        """The page for ``key`` = *(decision id, held, rest)* with this request's nonce and
        form token; ``render`` makes it (with the markers) when it is not kept."""
        decision_id, held, _ = key
        with self._lock:
            self._sweep()
            if not held:
                for gone in self._held.pop(decision_id, set()):
                    self._items.pop(gone, None)
            found = self._items.get(key)
        if found is None:
            html = render()
            with self._lock:
                self._items.pop(key, None)  # made again by a racing request: now the newest
                self._items[key] = (time.monotonic(), html)
                if held:
                    self._held.setdefault(decision_id, set()).add(key)
                while len(self._items) > self._size:
                    self._forget(next(iter(self._items)))
        else:
            html = found[1]
        return html.replace(NONCE_MARK, nonce).replace(CSRF_MARK, csrf)

    def _forget(self, key: Hashable) -> None:
        self._items.pop(key, None)
        decision_id = str(key[0]) if isinstance(key, tuple) else ""
        keys = self._held.get(decision_id)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._held[decision_id]

    def _sweep(self) -> None:
        oldest = time.monotonic() - self._ttl
        while self._items:
            key, (at, _) = next(iter(self._items.items()))
            if at >= oldest:
                return
            self._forget(key)
