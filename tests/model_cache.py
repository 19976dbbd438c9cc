"""The tests' demo models: trained once per source tree and shared by every test run.

Training takes half a minute on a slow machine, and each fast-suite worker, the slow stage
and the fault stage trained its own. The models are cached under ``.pytest-models/``,
keyed by every file of the package and the installed data and numeric libraries, so any
change that could change them trains afresh. Each test session works on its own copy, so
no test can alter the models another run reads.

``python tests/model_cache.py`` trains (or finds) them and prints their folder: ``make
test`` runs it before the suites.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from importlib.metadata import version
from pathlib import Path

from explainer.training import train as trainer
from explainer.training.datasets import demo_data

__all__ = ["SIZE", "copy_to", "trained"]

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".pytest-models"
SIZE = 6_000  # tickets: enough for non-trivial models, small enough to train quickly
_DONE = ".complete"


def _key() -> str:
    digest = hashlib.sha256(f"size={SIZE}\n".encode())
    for name in ("numpy", "scipy", "pandas", "scikit-learn"):
        digest.update(f"{name}={version(name)}\n".encode())
    package = ROOT / "explainer"
    files = (p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def trained() -> Path:
    """The cached models' folder, trained first if this source tree has none yet.

    Concurrent callers (the fast suite's workers) wait on one lock: one trains, the others
    read what it wrote.
    """
    key = _key()
    out = CACHE / key
    if (out / _DONE).exists():
        return out
    CACHE.mkdir(exist_ok=True)
    with open(CACHE / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / _DONE).exists():
            _train(out)
    return out


def copy_to(folder: Path) -> Path:
    """A private copy of the cached models in ``folder``."""
    shutil.copytree(trained(), folder, ignore=shutil.ignore_patterns(_DONE), dirs_exist_ok=True)
    return folder


def _train(out: Path) -> None:
    partial = out.with_name(f"{out.name}.{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    fitted = trainer.fit_all(
        demo_data(SIZE), trainer.DEMO_SPECS, trainer.demo_known(), lambda _msg: None
    )
    trainer.write_all(fitted, partial, lambda _msg: None)
    (partial / _DONE).touch()
    shutil.rmtree(out, ignore_errors=True)
    partial.rename(out)  # readers see a whole folder or none
    for old in CACHE.iterdir():  # earlier source trees' models are never read again
        if old.name != out.name and not old.name.startswith(out.name):
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)


if __name__ == "__main__":
    print(trained())
