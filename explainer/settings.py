"""Typed settings, read once: defaults <- ``EXPLAINER_*`` environment <- explicit overrides.

Every part of the service gets this one object (``create_app`` and each command build
it once and pass it down); nothing else reads the environment.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from explainer.errors import ConfigurationError

__all__ = ["Settings"]

_SECRET_FILE = "secret_key"  # noqa: S105 - the file name, not a secret


class Settings(BaseSettings):
    """The service's configuration; each field is ``EXPLAINER_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="EXPLAINER_", extra="forbid", frozen=True)

    database_url: str = Field(
        "sqlite:///var/explainer.db",
        description="SQLAlchemy URL; postgresql+psycopg:// in production.",
    )
    models_dir: Path = Field(Path("models"), description="Trained versions and their cards.")
    sensitive_topics_file: Path | None = Field(
        None,
        description="A sensitive-topic list (JSON, docs/handoff.md) replacing the built-in one.",
    )
    env: Literal["development", "production"] = Field(
        "development", description="production refuses unsafe defaults (the log key's place)."
    )
    instance_path: Path = Field(
        Path("var"), description="Data folder: secret key, the log's own head files."
    )
    log_key_file: Path | None = Field(
        None,
        description="The log's Ed25519 key (PEM, 0600), kept away from the data; "
        "made in the data folder with a warning when unset (refused in production).",
    )
    log_previous_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated base64 public keys of retired log keys (still verified).",
    )
    secret_key: SecretStr | None = Field(
        None, description="Signs links and forms; generated in the data folder when unset."
    )
    public_url: str = Field("http://127.0.0.1:8000", description="Base of customer links.")
    widget_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated origins that may frame the why page."
    )
    demo: bool = Field(False, description="Serve the /demo help centre.")
    link_max_age_days: int = Field(90, ge=1, description="How long a customer link works.")
    retention_days: int = Field(365, ge=1, description="Personal data older than this is purged.")
    purge_every_hours: float = Field(
        24.0, ge=0, description="explainer serve runs the purge this often (0: only by hand)."
    )
    max_content_length: int = Field(256 * 1024, ge=1024, description="Largest request body.")
    checkpoint_every: int = Field(100, ge=1, description="Sign a tree head every N records.")
    head_interval_seconds: float = Field(
        1.0, gt=0, le=3600, description="...and within this long of any new record."
    )
    audit_idle_minutes: int = Field(30, ge=1, description="An idle console session ends.")
    webhook_allow_private: bool = Field(
        False, description="Allow webhooks to private and loopback addresses (tests, on-premise)."
    )
    webhook_deliver: bool = Field(
        True,
        description="explainer serve delivers webhooks (else run `explainer webhooks deliver`).",
    )
    webhook_max_attempts: int = Field(
        12, ge=1, le=100, description="Attempts before a webhook message is dead-lettered."
    )
    webhook_backoff_seconds: float = Field(
        5.0, gt=0, le=3600, description="First retry delay; it doubles per attempt (jittered)."
    )
    webhook_backoff_max_seconds: float = Field(
        3600.0, gt=0, description="The longest delay between two attempts."
    )
    models_watch_seconds: float = Field(
        5.0, ge=0, description="How often explainer serve looks for newly current versions."
    )
    promote_max_accuracy_loss: float = Field(
        0.02, ge=0, le=1, description="Promotion gate: accuracy a candidate may lose on reviews."
    )
    promote_max_ece_increase: float = Field(
        0.05, ge=0, le=1, description="Promotion gate: how much ECE on reviews may rise."
    )
    promote_min_reviewed: int = Field(
        20, ge=0, description="Promotion gate: held-out reviews needed to judge accuracy."
    )
    promote_flag_min_change: float = Field(
        0.05, ge=0, le=1, description="Promotion gate: a new four-fifths flag's least move."
    )
    trusted_proxies: int = Field(
        0,
        ge=0,
        le=5,
        description="Reverse proxies in front (their X-Forwarded-For/-Proto are believed).",
    )
    rate_limit: str | None = Field(
        None,
        pattern=r"^[1-9][0-9]{0,8}/(second|minute|hour)$",
        description="Requests (a batch: its tickets) per API key, e.g. 600/minute; off when unset.",
    )
    lock_timeout_seconds: float = Field(
        5.0, gt=0, le=20, description="How long a write waits for the write lock (then 503)."
    )

    @field_validator("widget_origins", "log_previous_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [s.strip() for s in value.split(",") if s.strip()]
        return value

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None) -> Settings:
        """Read the environment once; ``overrides`` (any case) win over it.

        The secret key is settled here, once: the configured one, else the one kept in
        ``instance_path/secret_key`` (created mode 0600 by whichever process comes first).
        """
        given = {k.lower(): v for k, v in (overrides or {}).items()}
        try:
            loaded = cls(**given)
        except ValidationError as exc:
            raise ConfigurationError(_message(exc)) from None
        if loaded.secret_key is not None:
            return loaded
        return loaded.model_copy(update={"secret_key": SecretStr(_kept_secret(loaded))})

    @property
    def rate_budget(self) -> tuple[int, int] | None:
        """``(units, window seconds)`` of EXPLAINER_RATE_LIMIT, or None when off."""
        if self.rate_limit is None:
            return None
        count, per = self.rate_limit.split("/")
        return int(count), {"second": 1, "minute": 60, "hour": 3600}[per]

    @property
    def secret(self) -> str:
        """The secret key's value (settled by :meth:`load`)."""
        if self.secret_key is None:
            raise RuntimeError("settings were not made by Settings.load()")
        return self.secret_key.get_secret_value()


def _message(exc: ValidationError) -> str:
    return "; ".join(
        f"EXPLAINER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
        for e in exc.errors(include_url=False)
    )


def _kept_secret(settings: Settings) -> str:
    path = settings.instance_path / _SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text("utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text("utf-8").strip()
