"""Which model versions served when: promotions and rollbacks are records of the log;
shadow reports are kept beside them so the console can show what a promotion passed."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, desc, insert, literal, select, union_all

from explainer.store.ids import new_id
from explainer.store.ledger.log import Recorder
from explainer.store.tables import model_promotions, model_rollbacks, shadow_reports

__all__ = ["ModelHistory"]

_KINDS = {"model_promoted": model_promotions, "model_rolled_back": model_rollbacks}


class ModelHistory:
    """Model changes over one database (each one a log record) and the shadow reports."""

    def __init__(self, engine: Engine, recording: Callable[[], AbstractContextManager[Recorder]]):
        self._engine = engine
        self._recording = recording

    def record(
        self,
        kind: str,
        actor: str,
        from_versions: dict[str, str | None],
        to_versions: dict[str, str | None],
        report_sha256: str | None = None,
    ) -> dict[str, Any]:
        """Append a ``model_promoted`` or ``model_rolled_back`` record; its row."""
        row = {
            "id": new_id("mdl"),
            "actor": actor,
            "from_versions": json.dumps(from_versions, sort_keys=True),
            "to_versions": json.dumps(to_versions, sort_keys=True),
            "report_sha256": report_sha256,
            "created_at": datetime.now(UTC),
        }
        with self._recording() as rec:
            rec.record(kind, row)
        return _shown(kind, row)

    def history(self, limit: int = 200) -> list[dict[str, Any]]:
        """Promotions and rollbacks, newest first."""
        parts = [select(*table.c, literal(kind).label("kind")) for kind, table in _KINDS.items()]
        query = union_all(*parts).order_by(desc("created_at"), desc("id")).limit(limit)
        with self._engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
        return [_shown(r.pop("kind"), r) for r in rows]

    def last(self, kind: str) -> dict[str, Any] | None:
        """The newest record of one kind."""
        table = _KINDS[kind]
        query = select(table).order_by(table.c.created_at.desc(), table.c.id.desc()).limit(1)
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else _shown(kind, dict(row))

    def save_report(self, sha256: str, text: str) -> None:
        """Keep a shadow report (once: the same bytes are the same report)."""
        with self._engine.begin() as conn:
            have = conn.execute(
                select(shadow_reports.c.sha256).where(shadow_reports.c.sha256 == sha256)
            ).first()
            if have is None:
                conn.execute(
                    insert(shadow_reports),
                    {"sha256": sha256, "created_at": datetime.now(UTC), "report": text},
                )

    def reports(self, limit: int = 50) -> list[dict[str, Any]]:
        """Kept shadow reports, newest first, parsed."""
        query = select(shadow_reports).order_by(shadow_reports.c.created_at.desc()).limit(limit)
        with self._engine.connect() as conn:
            return [
                {"sha256": r["sha256"], "created_at": r["created_at"], **json.loads(r["report"])}
                for r in conn.execute(query).mappings()
            ]


def _shown(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "kind": kind,
        "from_versions": json.loads(row["from_versions"]),
        "to_versions": json.loads(row["to_versions"]),
    }
