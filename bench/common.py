"""Shared bench helpers: models, held-out demo tickets, timing, machine description."""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from explainer.model.linear import LinearModel
from explainer.model.registry import current_version, load_models
from explainer.schemas import TicketIn
from explainer.settings import Settings
from explainer.training import corpus
from explainer.training import train as trainer
from explainer.training.datasets import demo_data

BENCH_SEED = 4242  # not the training seed: the tickets are new to the models


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of repeated calls."""

    seconds: list[float]

    @property
    def median_ms(self) -> float:
        return float(np.median(self.seconds)) * 1e3

    @property
    def p95_ms(self) -> float:
        return float(np.percentile(self.seconds, 95)) * 1e3

    @property
    def mean_ms(self) -> float:
        return float(np.mean(self.seconds)) * 1e3


def timed(fn: Callable[[Any], Any], items: Iterable[Any]) -> tuple[Timing, list[Any]]:
    """Call ``fn`` on each item; return the per-call times and the results."""
    seconds, results = [], []
    for item in items:
        start = time.perf_counter()
        results.append(fn(item))
        seconds.append(time.perf_counter() - start)
    return Timing(seconds), results


def models_folder(path: Path | None, rows: int, log: Callable[[str], None]) -> tuple[Path, str]:
    """The models folder ``path`` (or models/) when it has current versions, else a
    temporary one with demo models trained now; and how to describe it in a report."""
    where = path or Settings().models_dir
    if all(current_version(where, n) for n in ("intent", "priority")):
        return where.resolve(), f"{where} (current versions)"
    log(f"no current models under {where}: training demo models on {rows:,} tickets")
    out = Path(tempfile.mkdtemp(prefix="bench-models-"))
    fitted = trainer.fit_all(demo_data(rows), trainer.DEMO_SPECS, trainer.demo_known(), log)
    trainer.write_all(fitted, out, log)
    return out, f"demo models trained for this run on {rows:,} tickets"


def models(
    path: Path | None, rows: int, log: Callable[[str], None]
) -> tuple[dict[str, LinearModel], str]:
    """The current models under ``path`` (or models/), else demo models trained now."""
    where, described = models_folder(path, rows, log)
    return load_models(where, pipeline=True), described


def tickets(n: int) -> list[TicketIn]:
    """``n`` held-out demo tickets (unseen phrasings), with personal data to redact."""
    held_out = [t for t in corpus.generate(n * 6, seed=BENCH_SEED) if t["split"] == "test"]
    if len(held_out) < n:
        raise SystemExit(f"only {len(held_out)} held-out tickets generated, need {n}")
    return [TicketIn.model_validate(t.payload()) for t in held_out[:n]]


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    import lime  # noqa: F401  (imported for its presence; lime has no __version__)
    import shap
    import sklearn

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": str(len(os.sched_getaffinity(0))),
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "shap": shap.__version__,
        "lime": _dist_version("lime"),
        "commit": _git_commit(),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()
