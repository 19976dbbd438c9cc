"""Versioned model artifacts: write a new version, load the current one safely.

``models/<name>/<version>/`` holds ``model.json`` (the card), the serving form
(``serving.npz`` + ``serving.json``, see :mod:`explainer.model.serving`) and
``model.joblib``, the fitted pipeline for training and evaluation;
``models/<name>/current`` names the version in service. Serving reads only the
serving form, after checking its hashes against the card: nothing is unpickled to
serve. The pipeline is loaded only on request (evaluation, tests), and only after its
hash and library versions match the card (unpickling runs code, so the check comes
first). A version folder written before the serving form existed is upgraded in place
by :func:`upgrade_version` (``explainer models upgrade``; ``make run`` does it).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from explainer.errors import ModelIntegrityError
from explainer.model import serving
from explainer.model.cards import library_versions
from explainer.model.catalogue import LabelInfo
from explainer.model.linear import LinearModel, compile_model

__all__ = [
    "current_version",
    "install_version",
    "labels_of",
    "load_card",
    "load_model",
    "load_models",
    "load_pipeline",
    "set_current",
    "sha256_file",
    "upgrade_version",
    "write_version",
]

ARTIFACT, CARD, CURRENT = "model.joblib", "model.json", "current"
# Pipelines pickled by earlier releases name the project's analyzers by their old module.
_MOVED_MODULES = {"explainer.text": "explainer.model.text"}
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
        import joblib  # training only: serving never imports it

        joblib.dump(pipeline, tmp / ARTIFACT, compress=3)
        card = {
            **card,
            "name": name,
            "version": version,
            "artifact": ARTIFACT,
            "sha256": sha256_file(tmp / ARTIFACT),
        }
        card["serving"] = _write_serving(compile_model(pipeline, card, labels_of(card)), tmp)
        (tmp / CARD).write_text(_card_text(card), "utf-8")
        os.rename(tmp, base / version)  # fails rather than overwrite an existing version
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _write_atomic(base / CURRENT, version + "\n")
    return base / version


def install_version(models_dir: Path, source_dir: Path, name: str, version: str) -> None:
    """Copy a version folder from another models folder (a candidate's), verified first
    against its card; an existing folder of that version must be the same files."""
    load_model(source_dir, name, version)  # ModelIntegrityError for a changed artifact
    target = models_dir / name / version
    if target.exists():
        load_model(models_dir, name, version)
        if load_card(models_dir, name, version) != load_card(source_dir, name, version):
            raise ModelIntegrityError(f"{target}: a different version with this name exists")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".installing-", dir=target.parent))
    try:
        shutil.copytree(source_dir / name / version, tmp, dirs_exist_ok=True)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def set_current(models_dir: Path, name: str, version: str) -> None:
    """Name ``version`` in ``models/<name>/current`` (it must load and verify)."""
    load_model(models_dir, name, version)
    _write_atomic(models_dir / name / CURRENT, version + "\n")


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


def load_model(
    models_dir: Path, name: str, version: str | None = None, *, pipeline: bool = False
) -> LinearModel:
    """Verify then load one version's serving form (and, with ``pipeline``, the pipeline)."""
    card = load_card(models_dir, name, version)
    folder = models_dir / name / card["version"]
    if "serving" not in card:
        raise ModelIntegrityError(
            f"{folder}: no serving form (written by an older version); "
            "run `explainer models upgrade`"
        )
    for file, digest in card["serving"]["sha256"].items():
        _check_hash(folder / file, digest)
    model = serving.read(folder, card, labels_of(card))
    if pipeline:
        model.pipeline = load_pipeline(models_dir, name, card["version"])
    return model


def load_pipeline(models_dir: Path, name: str, version: str | None = None) -> Any:
    """The fitted sklearn pipeline of a version, for training and evaluation only."""
    import joblib

    card = load_card(models_dir, name, version)
    artifact = models_dir / name / card["version"] / ARTIFACT
    _verify(artifact, card)
    for old, new in _MOVED_MODULES.items():
        sys.modules.setdefault(old, importlib.import_module(new))
    return joblib.load(artifact)


def upgrade_version(models_dir: Path, name: str, version: str | None = None) -> bool:
    """Add the serving form to a version written without one; False when it had one."""
    card = load_card(models_dir, name, version)
    if "serving" in card:
        return False
    folder = models_dir / name / card["version"]
    model = compile_model(load_pipeline(models_dir, name, card["version"]), card, labels_of(card))
    card = {**card, "serving": _write_serving(model, folder)}
    _write_atomic(folder / CARD, _card_text(card))
    return True


def labels_of(card: dict[str, Any]) -> dict[str, LabelInfo]:
    """Display names, queues and response times of a card's labels."""
    return {
        c["label"]: LabelInfo(
            c["display"], c.get("queue"), c.get("response_time"), c.get("translations") or {}
        )
        for c in card["classes"]
    }


def _write_serving(model: LinearModel, folder: Path) -> dict[str, Any]:
    files = serving.write(model, folder)
    return {"format": serving.FORMAT, "sha256": {f: sha256_file(folder / f) for f in files}}


def _card_text(card: dict[str, Any]) -> str:
    return json.dumps(card, indent=2, sort_keys=True) + "\n"


def load_models(models_dir: Path, *, pipeline: bool = False) -> dict[str, LinearModel]:
    """Load the current version of every model present (intent, priority).

    Models fitted on the same texts have identical text vocabularies; they then share
    one copy, so a ticket's text is featurized once for both.
    """
    present = [n for n in MODEL_NAMES if current_version(models_dir, n)]
    models = {n: load_model(models_dir, n, pipeline=pipeline) for n in present}
    loaded = list(models.values())
    for model in loaded[1:]:
        model.featurizer.adopt_text_blocks(loaded[0].featurizer)
    return models


def _check_hash(path: Path, expected: Any) -> None:
    if not path.is_file():
        raise ModelIntegrityError(f"{path}: artifact missing")
    digest = sha256_file(path)
    if digest != expected:
        raise ModelIntegrityError(
            f"{path}: sha256 {digest[:12]}... does not match its card "
            f"({str(expected)[:12]}...); refusing to load a changed artifact"
        )


def _verify(artifact: Path, card: dict[str, Any]) -> None:
    _check_hash(artifact, card.get("sha256"))
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
