"""Phrase banks for the demo corpus, one per written language (``data/phrases/*.json``).

Each bank holds subjects and bodies per intent with ``{slot}`` placeholders, urgency
cues with their weights, greetings, closings, fillers, the words that join a second
topic and the sentences that carry planted personal data. The last two body templates
of every intent are held out: the generator uses them only for the test split, so
held-out scores measure generalisation to unseen phrasings. Subjects, greetings, cues,
fillers and closings are shared by both splits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files

__all__ = ["BANKS", "BODIES", "Bank", "bank_for"]


@dataclass(frozen=True)
class Bank:
    """The phrases tickets in one language are written from."""

    subjects: dict[str, list[str]]
    bodies: dict[str, list[str]]
    urgency: list[tuple[str, float]]
    greetings: list[str]
    closings: list[str]
    fillers: list[str]
    also: str  # joins a second topic ("Also,")
    also_lowers: bool  # whether the second topic's first letter is lower-cased after it
    personal: dict[str, str]  # sentence templates for planted personal data
    slots: dict[str, list[str]]

    @classmethod
    def load(cls, language: str) -> Bank:
        path = files("explainer.training").joinpath(f"data/phrases/{language}.json")
        raw = json.loads(path.read_text("utf-8"))
        raw["urgency"] = [(str(cue), float(w)) for cue, w in raw["urgency"]]
        return cls(**raw)


# Tickets tagged es, fr or pt are written in English: only German has its own bank.
BANKS: dict[str, Bank] = {lang: Bank.load(lang) for lang in ("en", "de")}
BODIES: dict[str, list[str]] = BANKS["en"].bodies


def bank_for(language: str) -> Bank:
    """The bank a ticket in ``language`` (a BCP 47 tag) is written from."""
    return BANKS.get(language.split("-")[0].lower(), BANKS["en"])
