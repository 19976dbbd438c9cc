"""Console users and their roles: who may do what in the audit console."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ROLES", "LoginResult", "User", "role_allows"]

ROLES = ("auditor", "reviewer", "admin")  # each includes the ones before it


@dataclass(frozen=True)
class User:
    """A signed-in console user."""

    id: str
    username: str
    role: str


@dataclass(frozen=True)
class LoginResult:
    """``user`` on success; ``throttled`` when too many recent failures block the attempt."""

    user: User | None
    throttled: bool = False


def role_allows(role: str, needed: str) -> bool:
    """Roles nest: admin includes reviewer includes auditor."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)
