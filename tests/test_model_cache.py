"""The tests' cached demo models: one training per source tree, a private copy per run."""

from __future__ import annotations

from pathlib import Path

import model_cache
import pytest


def test_each_session_gets_its_own_copy(models_dir: Path, tmp_path: Path) -> None:
    copy = model_cache.copy_to(tmp_path / "mine")
    assert (copy / "intent" / "current").is_file() and (copy / "priority" / "current").is_file()
    assert not (copy / ".complete").exists()  # the cache's marker is not a model file
    (copy / "intent" / "current").write_text("tampered")
    assert (models_dir / "intent" / "current").read_text() != "tampered"
    assert (model_cache.trained() / "intent" / "current").read_text() != "tampered"


def test_the_key_follows_the_package_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "explainer"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(model_cache, "ROOT", tmp_path)
    first = model_cache._key()
    assert model_cache._key() == first
    (package / "a.py").write_text("x = 2\n")
    assert model_cache._key() != first
