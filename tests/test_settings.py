"""Settings: read once from the environment, typed, and clear about what is wrong."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from explainer.errors import ConfigurationError
from explainer.settings import Settings


def test_environment_names_and_types(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EXPLAINER_INSTANCE_PATH", str(tmp_path / "data"))
    monkeypatch.setenv("EXPLAINER_WIDGET_ORIGINS", "https://a.example, https://b.example,")
    monkeypatch.setenv("EXPLAINER_RETENTION_DAYS", "30")
    monkeypatch.setenv("EXPLAINER_DEMO", "1")
    settings = Settings.load({"PUBLIC_URL": "https://explainer.example"})
    assert settings.instance_path == tmp_path / "data"
    assert settings.widget_origins == ["https://a.example", "https://b.example"]
    assert settings.retention_days == 30 and settings.demo is True
    assert settings.public_url == "https://explainer.example"  # overrides win


def test_a_malformed_value_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAINER_RETENTION_DAYS", "a year")
    with pytest.raises(ConfigurationError, match="EXPLAINER_RETENTION_DAYS"):
        Settings.load()


def test_the_secret_key_is_settled_once_in_the_data_folder(tmp_path: Path) -> None:
    first = Settings.load({"instance_path": tmp_path})
    again = Settings.load({"instance_path": tmp_path})
    kept = tmp_path / "secret_key"
    assert first.secret == again.secret == kept.read_text("utf-8").strip()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert Settings.load({"instance_path": tmp_path, "secret_key": "given"}).secret == "given"
