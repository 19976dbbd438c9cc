"""Shared fixtures: small demo models trained once per session, fresh databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import model_cache
import pytest
from evaluation_data import IN_CI, SHARED, shared_data  # noqa: F401  (re-exported)

from explainer.explain.decide import Decider
from explainer.model.registry import load_models


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo models trained on a 6,000-ticket corpus (same code path as `explainer train`),
    this session's own copy of the ones cached for this source tree (tests/model_cache.py)."""
    return model_cache.copy_to(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def decider(models_dir: Path) -> Decider:
    """A Decider over the session's demo models."""
    return Decider(load_models(models_dir, pipeline=True))


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No EXPLAINER_* variables leak into a test from the developer's shell."""
    for key in list(os.environ):
        if key.startswith("EXPLAINER_") and key != "EXPLAINER_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    yield
