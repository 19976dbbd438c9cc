"""Phrase bank for the demo corpus, read from ``data/phrases.json``.

Subjects and bodies per intent, with ``{slot}`` placeholders. The last two body
templates of every intent are held out: the generator uses them only for the test
split, so held-out scores measure generalisation to unseen phrasings. Subjects,
greetings, cues, fillers and closings are shared by both splits.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

__all__ = ["BODIES", "CLOSINGS", "FILLERS", "GREETINGS", "SLOTS", "SUBJECTS", "URGENCY"]

_BANK: dict[str, Any] = json.loads(
    files("explainer.training").joinpath("data/phrases.json").read_text("utf-8")
)
SUBJECTS: dict[str, list[str]] = _BANK["subjects"]
BODIES: dict[str, list[str]] = _BANK["bodies"]
URGENCY: list[tuple[str, float]] = [(cue, float(w)) for cue, w in _BANK["urgency"]]
GREETINGS: list[str] = _BANK["greetings"]
CLOSINGS: list[str] = _BANK["closings"]
FILLERS: list[str] = _BANK["fillers"]
SLOTS: dict[str, list[str]] = _BANK["slots"]
