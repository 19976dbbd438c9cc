"""Versioned model artifacts: write a new version, load the current one safely.

``models/<name>/<version>/`` holds ``model.joblib`` and ``model.json`` (the card);
``models/<name>/current`` names the version in service. A version directory is
never overwritten, and nothing is unpickled before its hash and library versions
match the card (unpickling runs code, so the check comes first).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from explainer.errors import ModelIntegrityError
from explainer.model.cards import library_versions
from explainer.model.catalogue import LabelInfo
from explainer.model.linear import LinearModel, compile_model

__all__ = [
    "current_version",
    "load_card",
    "load_model",
    "load_models",
    "sha256_file",
    "write_version",
]

ARTIFACT, CARD, CURRENT = "model.joblib", "model.json", "current"
MODEL_NAMES = ("intent", "priority")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_version(out_dir: Path, name: str, pipeline: Any, card: dict[str, Any]) -> Path:
    """Write artifact + card as a new version and make it current; return its folder."""
    base = out_dir / name
    base.mkdir(parents=True, exist_ok=True)
    version = _new_version(base)
    tmp = Path(tempfile.mkdtemp(prefix=".writing-", dir=base))
    try:
        joblib.dump(pipeline, tmp / ARTIFACT, compress=3)
        card = {
            **card,
            "name": name,
            "version": version,
            "artifact": ARTIFACT,
            "sha256": sha256_file(tmp / ARTIFACT),
        }
        (tmp / CARD).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", "utf-8")
        os.rename(tmp, base / version)  # fails rather than overwrite an existing version
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _write_atomic(base / CURRENT, version + "\n")
    return base / version


def current_version(models_dir: Path, name: str) -> str | None:
    """The version named by ``models/<name>/current``, or None when there is none."""
    pointer = models_dir / name / CURRENT
    return pointer.read_text("utf-8").strip() if pointer.is_file() else None


def load_card(models_dir: Path, name: str, version: str | None = None) -> dict[str, Any]:
    """Read a version's model card (the current one by default)."""
    version = version or current_version(models_dir, name)
    if version is None:
        raise ModelIntegrityError(f"no current version of model {name!r} under {models_dir}")
    path = models_dir / name / version / CARD
    try:
        card: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelIntegrityError(f"{path}: unreadable model card ({exc})") from exc
    return card


def load_model(models_dir: Path, name: str, version: str | None = None) -> LinearModel:
    """Verify then load one model version and compile it for serving."""
    card = load_card(models_dir, name, version)
    artifact = models_dir / name / card["version"] / ARTIFACT
    _verify(artifact, card)
    pipeline = joblib.load(artifact)
    labels = {
        c["label"]: LabelInfo(c["display"], c.get("queue"), c.get("response_time"))
        for c in card["classes"]
    }
    return compile_model(pipeline, card, labels)


def load_models(models_dir: Path) -> dict[str, LinearModel]:
    """Load the current version of every model present (intent, priority).

    Models fitted on the same texts have identical text vocabularies; they then share
    one copy, so a ticket's text is featurized once for both.
    """
    models = {n: load_model(models_dir, n) for n in MODEL_NAMES if current_version(models_dir, n)}
    loaded = list(models.values())
    for model in loaded[1:]:
        model.featurizer.adopt_text_blocks(loaded[0].featurizer)
    return models


def _verify(artifact: Path, card: dict[str, Any]) -> None:
    if not artifact.is_file():
        raise ModelIntegrityError(f"{artifact}: artifact missing")
    digest = sha256_file(artifact)
    if digest != card.get("sha256"):
        raise ModelIntegrityError(
            f"{artifact}: sha256 {digest[:12]}... does not match its card "
            f"({str(card.get('sha256'))[:12]}...); refusing to load a changed artifact"
        )
    have, want = library_versions(), card.get("libraries", {})
    for lib in ("scikit-learn", "numpy", "python"):
        if _major_minor(have[lib], lib) != _major_minor(str(want.get(lib)), lib):
            raise ModelIntegrityError(
                f"{artifact}: trained with {lib} {want.get(lib)}, this install has {have[lib]}; "
                "retrain or install the recorded version"
            )


def _major_minor(version: str, lib: str) -> str:
    # scikit-learn pickles are only guaranteed within one exact release.
    return version if lib == "scikit-learn" else ".".join(version.split(".")[:2])


def _new_version(base: Path) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    version, k = stamp, 1
    while (base / version).exists():
        k += 1
        version = f"{stamp}-{k}"
    return version


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
