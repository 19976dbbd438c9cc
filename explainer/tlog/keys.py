"""The log's Ed25519 key: where it may live, and making one.

The key signs every receipt and tree head, so whoever holds it can re-sign a rewritten
log. It therefore belongs away from the data it protects: ``EXPLAINER_LOG_KEY_FILE``
names it. Without that setting a first run still needs no set-up (a key is made in the
data folder, with a warning); in production that is refused.
"""

from __future__ import annotations

import base64
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from explainer.errors import ConfigurationError

__all__ = ["DEFAULT_NAME", "KeyPlace", "create_key", "load_key", "public_b64", "public_from_b64"]

log = logging.getLogger(__name__)

DEFAULT_NAME = "log_key.pem"


@dataclass(frozen=True)
class KeyPlace:
    """Where the key is read from, and what may be refused about it."""

    path: Path
    configured: bool
    production: bool
    data_folders: tuple[Path, ...]

    def settle(self) -> Ed25519PrivateKey:
        """The key, made here the first time unless production forbids; refusals raise."""
        if not self.configured:
            if self.production:
                raise ConfigurationError(
                    "EXPLAINER_LOG_KEY_FILE is required in production: a log key inside the "
                    "data folder lets anyone who can change the data re-sign the log"
                )
            log.warning(
                "log signing key kept in the data folder (%s); set EXPLAINER_LOG_KEY_FILE to a "
                "file elsewhere so that the key is not beside the data it protects",
                self.path,
            )
        elif self.production:
            self._refuse_inside_data()
        if not self.path.exists():
            if self.production:
                raise ConfigurationError(
                    f"no log key at {self.path}; make one with "
                    f"`explainer audit keygen --out {self.path}`"
                )
            create_key(self.path)
        return load_key(self.path, strict=self.production)

    def _refuse_inside_data(self) -> None:
        where = self.path.resolve()
        for folder in self.data_folders:
            if where.is_relative_to(folder.resolve()):
                raise ConfigurationError(
                    f"the log key {self.path} is inside the data folder {folder}; "
                    "keep it where the database's owner cannot write (see docs/log.md)"
                )


def create_key(path: Path) -> Ed25519PrivateKey:
    """Write a new PKCS#8 PEM key, mode 0600, refusing to replace one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_key(path)  # another process made it first
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())
    return key


def load_key(path: Path, *, strict: bool = False) -> Ed25519PrivateKey:
    """Read a PEM key; ``strict`` refuses one that others may read."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        message = f"the log key {path} is readable by others (mode {mode:o}); chmod 600 it"
        if strict:
            raise ConfigurationError(message)
        log.warning(message)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise ConfigurationError(f"{path} is not a PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{path} is not an Ed25519 key")
    return key


def public_b64(key: Ed25519PublicKey) -> str:
    """The 32-byte public key in standard base64 (how the API and witness files carry it)."""
    return base64.b64encode(key.public_bytes_raw()).decode("ascii")


def public_from_b64(text: str) -> Ed25519PublicKey:
    """The inverse of :func:`public_b64`; ConfigurationError for anything else."""
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except ValueError:
        raise ConfigurationError(f"not a base64 Ed25519 public key: {text[:60]!r}") from None
