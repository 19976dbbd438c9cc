"""Model releases: retrain from reviews, shadow the whole log, promote through gates,
roll back. Promotions and rollbacks are records of the tamper-evident log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from explainer.errors import ConflictError, DataError
from explainer.model.linear import LinearModel
from explainer.model.registry import (
    MODEL_NAMES,
    current_version,
    install_version,
    labels_of,
    load_card,
    load_models,
    set_current,
)
from explainer.settings import Settings
from explainer.shadow.gates import Gates
from explainer.shadow.items import ShadowItem
from explainer.store import Store
from explainer.store.learning import LearningSource
from explainer.store.model_history import ModelHistory

__all__ = ["PromotionRefused", "Releases"]

PAGE = 2_000  # decisions per partition: a few MB of text, seconds of work per worker
Progress = Callable[[str], None]


class PromotionRefused(ConflictError):
    """The candidate failed a promotion gate (or its report is not about it)."""

    type_slug = "promotion-refused"
    title = "Promotion refused"


class Releases:
    """What ``explainer retrain|shadow|models promote|rollback|history`` do."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._settings = settings
        self.history = ModelHistory(store.engine, store.recording)
        self.source = LearningSource(store.engine)

    @property
    def models_dir(self) -> Path:
        """The models folder the service serves from."""
        return self._settings.models_dir

    def gates(self, **overrides: Any) -> Gates:
        """The promotion gates from the settings, with any override that is not None."""
        s = self._settings
        values: dict[str, Any] = {
            "max_accuracy_loss": s.promote_max_accuracy_loss,
            "max_ece_increase": s.promote_max_ece_increase,
            "min_reviewed": s.promote_min_reviewed,
            "flag_min_change": s.promote_flag_min_change,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return Gates(**values)

    def current_versions(self) -> dict[str, str | None]:
        """The version in service of each model."""
        return {n: current_version(self.models_dir, n) for n in MODEL_NAMES}

    # retrain
    def retrain(
        self, out: Path, since: datetime | None, base_file: Path | None, progress: Progress
    ) -> dict[str, Any]:
        """Train a candidate into ``out`` from the current data and reviewed labels; the
        data card (also written as ``out/data_card.json``)."""
        from explainer.training import train as trainer
        from explainer.training.retrain import Counts, base_data, with_reviews

        cards = {n: load_card(self.models_dir, n) for n in MODEL_NAMES}
        source = cards["intent"]["training_data"]["source"]
        progress(f"base data: {source}")
        base = base_data(source, base_file)
        reviewed = self.source.reviewed(since)
        baseline = cards["priority"]["baseline"]["fields"]
        counts = Counts(reviewed.corrections, reviewed.confirmations, reviewed.erased)
        data, card = with_reviews(base, reviewed.items, baseline, counts)
        progress(
            f"reviewed decisions: {card['reviewed']['rows']} rows "
            f"({counts.corrections} corrections, {counts.confirmations} confirmations, "
            f"{counts.erased} erased and skipped)"
        )
        specs = trainer.DEMO_SPECS if base_file is None else _specs_of(cards)
        fitted = trainer.fit_all(data, specs, _known(cards), progress)
        paths = trainer.write_all(fitted, out, progress)
        card = {
            **card,
            "since": since.isoformat() if since else None,
            "feedback": self.source.feedback(since),
            "trained_from": {n: c["version"] for n, c in cards.items()},
            "candidate": {p.parent.name: p.name for p in paths},
        }
        (out / "data_card.json").write_text(json.dumps(card, indent=2) + "\n", "utf-8")
        return card

    # shadow
    def shadow(
        self,
        candidate_dir: Path,
        *,
        since: datetime | None = None,
        scheduler: str | None = None,
        workers: int = 2,
        serial: bool = False,
        progress: Callable[[int], None] = lambda _n: None,
        page: int = PAGE,
        worker_peaks: list[int] | None = None,
    ) -> tuple[dict[str, Any], bytes]:
        """Re-decide every stored decision with the candidate; the report and its bytes."""
        # Offline work: the serving process never loads pandas, fairlearn or Dask.
        from explainer.shadow.runner import run_dask, run_serial
        from explainer.shadow.summary import report as shadow_summary

        current, candidate = load_models(self.models_dir), _load_candidate(candidate_dir)
        names = sorted(set(current) & set(candidate))
        started = datetime.now(UTC)
        pages = self._partitions(page, since)
        if serial:
            stats = run_serial(pages, current, candidate, progress)
        else:
            stats = run_dask(
                pages,
                current,
                candidate,
                progress,
                scheduler=scheduler,
                workers=workers,
                worker_peaks=worker_peaks,
            )
        report = {
            **shadow_summary(stats, names),
            "created_at": started.isoformat(),
            "since": since.isoformat() if since else None,
            "current": _versions(current),
            "candidate": _versions(candidate),
            "candidate_dir": str(candidate_dir),
        }
        raw = (json.dumps(report, indent=2, sort_keys=True) + "\n").encode("utf-8")
        self.history.save_report(hashlib.sha256(raw).hexdigest(), raw.decode("utf-8"))
        return report, raw

    def count(self, since: datetime | None = None) -> int:
        """How many decisions a shadow run reads."""
        return self.source.count(since)

    def _partitions(
        self, size: int, since: datetime | None
    ) -> Iterator[tuple[list[ShadowItem], int]]:
        for p in self.source.pages(size, since):
            yield p.items, p.erased

    # promote and roll back
    def promote(
        self, candidate_dir: Path, report_file: Path, actor: str, gates: Gates
    ) -> dict[str, Any]:
        """Make the candidate current when its report passes every gate; the log record.

        PromotionRefused names each failed gate, or why the report does not fit.
        """
        raw = _read(report_file)
        try:
            report = json.loads(raw)
        except ValueError as exc:
            raise DataError(f"{report_file}: not a shadow report ({exc})") from exc
        candidate = _load_candidate(candidate_dir)
        problems = _mismatch(report, _versions(candidate), self.current_versions())
        if problems:
            raise PromotionRefused("; ".join(problems))
        failed = gates.failures(report)
        if failed:
            raise PromotionRefused("; ".join(failed), failed=failed)
        before = self.current_versions()
        for name, model in candidate.items():
            install_version(self.models_dir, candidate_dir, name, model.version)
        for name, model in candidate.items():
            set_current(self.models_dir, name, model.version)
        sha = hashlib.sha256(raw).hexdigest()
        self.history.save_report(sha, raw.decode("utf-8"))
        return self.history.record("model_promoted", actor, before, self.current_versions(), sha)

    def rollback(self, actor: str) -> dict[str, Any]:
        """Undo the promotion in effect: its previous versions serve again (a log record)."""
        live = self.in_effect()
        if live is None:
            raise ConflictError("no promotion to roll back")
        now = self.current_versions()
        if {k: v for k, v in now.items() if k in live["to_versions"]} != live["to_versions"]:
            raise ConflictError(
                f"the versions in service ({_fmt(now)}) are not the ones promotion "
                f"{live['id']} made current ({_fmt(live['to_versions'])}); refusing to guess"
            )
        for name, version in live["from_versions"].items():
            if version is not None:
                set_current(self.models_dir, name, version)
        return self.history.record("model_rolled_back", actor, now, self.current_versions())

    def in_effect(self) -> dict[str, Any] | None:
        """The newest promotion no rollback has undone (each rollback undoes one)."""
        stack: list[dict[str, Any]] = []
        for change in reversed(self.history.history(limit=10_000)):
            if change["kind"] == "model_promoted":
                stack.append(change)
            elif stack:
                stack.pop()
        return stack[-1] if stack else None


def _load_candidate(folder: Path) -> dict[str, LinearModel]:
    if not folder.is_dir():
        raise DataError(f"{folder}: no such candidate folder (made by `explainer retrain`)")
    models = load_models(folder)
    if not models:
        raise DataError(f"{folder}: holds no model versions")
    return models


def _versions(models: dict[str, LinearModel]) -> dict[str, dict[str, str]]:
    return {n: {"version": m.version, "sha256": m.sha256} for n, m in sorted(models.items())}


def _mismatch(
    report: dict[str, Any], candidate: dict[str, dict[str, str]], now: dict[str, str | None]
) -> list[str]:
    out = []
    if report.get("candidate") != candidate:
        out.append("the report was made for another candidate; run `explainer shadow` on this one")
    served = {n: v["version"] for n, v in report.get("current", {}).items()}
    if any(now.get(n) != v for n, v in served.items()):
        out.append(
            f"the report compares against {_fmt(served)}, but {_fmt(now)} serve now; "
            "run `explainer shadow` again"
        )
    return out


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read the report ({exc.strerror})") from exc


def _fmt(versions: dict[str, Any]) -> str:
    return ", ".join(f"{n} {v}" for n, v in sorted(versions.items()))


def _known(cards: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {n: labels_of(c) for n, c in cards.items()}


def _specs_of(cards: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from explainer.training import train as trainer

    fields = cards["priority"]["features"]["account_fields"]
    return {
        "intent": trainer.spec_for_columns([], False),
        "priority": trainer.spec_for_columns(list(fields), True),
    }
