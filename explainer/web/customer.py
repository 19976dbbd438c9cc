"""Customer blueprint: the "why?" page, review requests and feedback (filled in by its issue)."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("customer", __name__)
