"""Shared fixtures: small demo models trained once per session, fresh databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from evaluation_data import IN_CI, SHARED, shared_data  # noqa: F401  (re-exported)

from explainer.explain.decide import Decider
from explainer.model.registry import load_models
from explainer.training import train as trainer
from explainer.training.datasets import demo_data


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo models trained on a 6,000-ticket corpus (same code path as `explainer train`)."""
    out = tmp_path_factory.mktemp("models")
    fitted = trainer.fit_all(
        demo_data(6_000), trainer.DEMO_SPECS, trainer.demo_known(), lambda _msg: None
    )
    trainer.write_all(fitted, out, lambda _msg: None)
    return out


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
