"""The registry refuses changed artifacts and mismatched library versions, naming the file.

The pickled pipeline (training and evaluation only) is checked here; the serving form's
own checks are in test_serving.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from explainer.errors import ModelIntegrityError
from explainer.model.registry import (
    current_version,
    load_model,
    load_models,
    load_pipeline,
    sha256_file,
)


@pytest.fixture
def copy(models_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "models"
    shutil.copytree(models_dir, out)
    return out


def _version_dir(models: Path, name: str = "intent") -> Path:
    return models / name / str(current_version(models, name))


def test_loads_verified_models(copy: Path) -> None:
    models = load_models(copy)
    assert set(models) == {"intent", "priority"}
    card = json.loads((_version_dir(copy) / "model.json").read_text("utf-8"))
    assert (
        models["intent"].sha256
        == card["sha256"]
        == sha256_file(_version_dir(copy) / "model.joblib")
    )


@pytest.mark.parametrize("where", [0, 1000, -1])
def test_one_changed_byte_is_refused(copy: Path, where: int) -> None:
    artifact = _version_dir(copy) / "model.joblib"
    data = bytearray(artifact.read_bytes())
    data[where] ^= 0x01
    artifact.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError) as err:
        load_pipeline(copy, "intent")
    assert str(artifact) in err.value.detail
    assert "sha256" in err.value.detail


def test_other_scikit_learn_version_is_refused(copy: Path) -> None:
    card_path = _version_dir(copy, "priority") / "model.json"
    card = json.loads(card_path.read_text("utf-8"))
    card["libraries"]["scikit-learn"] = "1.0.2"
    card_path.write_text(json.dumps(card), "utf-8")
    with pytest.raises(ModelIntegrityError) as err:
        load_pipeline(copy, "priority")
    assert "scikit-learn 1.0.2" in err.value.detail
    assert "model.joblib" in err.value.detail


def test_missing_artifact_and_missing_current(copy: Path, tmp_path: Path) -> None:
    (_version_dir(copy) / "serving.npz").unlink()
    with pytest.raises(ModelIntegrityError, match="artifact missing"):
        load_model(copy, "intent")
    with pytest.raises(ModelIntegrityError, match="no current version"):
        load_model(tmp_path / "empty", "intent")
    assert load_models(tmp_path / "empty") == {}


def test_unreadable_card_is_refused(copy: Path) -> None:
    (_version_dir(copy) / "model.json").write_text("{not json", "utf-8")
    with pytest.raises(ModelIntegrityError, match="unreadable model card"):
        load_model(copy, "intent")
