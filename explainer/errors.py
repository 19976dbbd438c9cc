"""One exception hierarchy for the domain; each error knows its HTTP status and type."""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigurationError",
    "ConflictError",
    "DataError",
    "ExplainerError",
    "ModelIntegrityError",
    "NotFoundError",
    "StorageUnavailable",
    "ValidationFailed",
]


class ExplainerError(Exception):
    """Base class: ``status`` and ``type_slug`` let each surface translate it once."""

    status = 500
    type_slug = "internal"
    title = "Internal error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class ConfigurationError(ExplainerError):
    """A setting cannot be used as given (named by its environment variable)."""

    type_slug = "configuration"
    title = "Configuration error"


class DataError(ExplainerError):
    """A training or evaluation file cannot be used as given."""

    status = 422
    type_slug = "bad-data"
    title = "Unusable data"


class ModelIntegrityError(ExplainerError):
    """A model artifact does not match its card (hash or library versions)."""

    status = 503
    type_slug = "model-integrity"
    title = "Model refused"


class ValidationFailed(ExplainerError):
    """Request input failed validation; ``extra['errors']`` lists field errors."""

    status = 422
    type_slug = "validation"
    title = "Invalid request"


class NotFoundError(ExplainerError):
    """The thing asked for does not exist (or must not be revealed)."""

    status = 404
    type_slug = "not-found"
    title = "Not found"


class ConflictError(ExplainerError):
    """The request conflicts with what is stored (e.g. an Idempotency-Key reused)."""

    status = 409
    type_slug = "conflict"
    title = "Conflict"


class NotYetCovered(ConflictError):
    """A record the log holds but no signed head covers yet (heads follow within seconds).

    A read never signs one to answer: reads do not write.
    """

    type_slug = "not-yet-covered"
    title = "Not yet covered by a signed head"
    retry_after = 2

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(self.retry_after)}


class RateLimited(ExplainerError):
    """An API key used up its requests for this window (EXPLAINER_RATE_LIMIT)."""

    status = 429
    type_slug = "rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(max(1, retry_after))}


class StorageUnavailable(ExplainerError):
    """The database cannot answer or cannot write right now; nothing was half-written."""

    status = 503
    type_slug = "storage-unavailable"
    title = "Storage unavailable"
    retry_after = 5  # seconds: long enough for a restart or a lock to clear

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(self.retry_after)}
