"""Where the shared third-party evaluation data sits, and how tests reach it.

A module of its own (not conftest.py): ``from conftest import ...`` resolves to
whichever conftest pytest imported last, which in a whole-suite run is a sub-folder's.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

__all__ = ["IN_CI", "SHARED", "shared_data"]

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def shared_data(relative: str) -> Path:
    """A file of ../shared/data; skip with a reason when absent, but fail under CI."""
    path = SHARED / "data" / relative
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is required under CI but missing")
        pytest.skip(f"{path} is absent (the shared evaluation data sits beside the checkout)")
    return path
