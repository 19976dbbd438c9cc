"""A request budget per API key per fixed window, shared by every worker and process.

One upsert per request adds its cost to the key's current window and reads the total
back in the same statement, so two workers can never both spend the last unit. Off
unless EXPLAINER_RATE_LIMIT is set: then each API request costs this write.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, delete
from sqlalchemy.dialects import postgresql, sqlite

from explainer.errors import RateLimited
from explainer.store.tables import rate_windows

__all__ = ["RateLimits"]


class RateLimits:
    """``limit`` units per ``window`` seconds for each key."""

    def __init__(self, engine: Engine, limit: int, window: int) -> None:
        self._engine = engine
        self.limit = limit
        self.window = window

    def spend(self, key_id: str, cost: int = 1, now: float | None = None) -> None:
        """Count ``cost`` units (a batch: its tickets); RateLimited when over the budget."""
        now = time.time() if now is None else now
        start = int(now // self.window * self.window)
        insert = postgresql.insert if self._engine.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(rate_windows)
            .values(key_id=key_id, window_start=start, used=cost)
            .on_conflict_do_update(
                index_elements=[rate_windows.c.key_id, rate_windows.c.window_start],
                set_={"used": rate_windows.c.used + cost},
            )
            .returning(rate_windows.c.used)
        )
        with self._engine.begin() as conn:
            used = int(conn.execute(statement).scalar_one())
            if used == cost:  # the key's first request in this window: drop its old ones
                conn.execute(
                    delete(rate_windows).where(
                        rate_windows.c.key_id == key_id, rate_windows.c.window_start < start
                    )
                )
        if used > self.limit:
            retry = int(start + self.window - now) + 1
            raise RateLimited(
                f"this API key may make {self.limit} requests (tickets) per "
                f"{self.window} s; retry after {retry} s",
                retry,
            )
