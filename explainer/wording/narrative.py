"""Wording rules: attributions -> customer reasons, confidence, counterfactual, notice.

Pure and plain-text: templates only lay these strings out. Every reason quotes the
redacted message or names a real account fact; the what-would-change-it sentence is
only stated after re-running the model on the edited message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from explainer.explain.grouping import Group

__all__ = [
    "NOTICE",
    "TEMPLATE_VERSION",
    "Outcome",
    "confidence_word",
    "counterfactual",
    "counterfactual_text",
    "reasons",
    "remove_all",
    "summary",
]

TEMPLATE_VERSION = "2026-11-30.1"
MAX_REASONS = 4
MAX_REMOVED = 3
MINOR_SHARE = 0.1
NOTICE = (
    "An automated system (AI) made this decision. It read your subject and message, "
    "with personal details such as e-mail addresses and phone numbers removed, plus "
    "your plan, how you contacted us, your account's age and your number of open "
    "tickets. Your language and region were not used. You can ask a person to "
    "review it."
)
# A reason made only of these words would be true but tell the customer nothing.
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "do",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "hi",
        "hello",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "there",
        "they",
        "this",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
    }
)
_CHANNEL_WORDS = {
    "email": "e-mail",
    "chat": "chat",
    "phone": "phone",
    "web": "the web form",
    "social": "social media",
}


@dataclass(frozen=True)
class Outcome:
    """One model's decision as the wording needs it."""

    model: str  # "intent" or "priority"
    label: str
    display: str
    confidence: float
    groups: Sequence[Group]
    queue: str | None = None
    response_time: str | None = None

    def target(self) -> str:
        """How the outcome is named in a sentence ("High priority", "Refund request")."""
        return f"{self.display} priority" if self.model == "priority" else self.display


def confidence_word(p: float) -> str:
    """An honest word for a probability (not a promise of correctness)."""
    if p >= 0.9:
        return "very confident"
    if p >= 0.7:
        return "fairly confident"
    if p >= 0.5:
        return "somewhat unsure"
    return "unsure"


def summary(intent: Outcome | None, priority: Outcome | None) -> str:
    """One or two sentences that say what happened to the ticket.

    Every label, queue and priority name is quoted after a verb that takes any name
    ("routed to", "set to"), so the sentence stays grammatical for a team called
    "Incident response", a queue called "billing@" or a label from a user's export.
    """
    parts = []
    if intent is not None:
        queue = f" and routed to \u201c{intent.queue}\u201d" if intent.queue else ""
        parts.append(
            f"Your ticket was read as \u201c{intent.display}\u201d{queue} "
            f"(the system was {confidence_word(intent.confidence)})."
        )
    if priority is not None:
        when = (
            f": expect a first response {priority.response_time}" if priority.response_time else ""
        )
        parts.append(
            f"Its priority was set to \u201c{priority.display}\u201d{when} "
            f"(the system was {confidence_word(priority.confidence)})."
        )
    return " ".join(parts)


def reasons(outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    """At most four reasons, each one that pushed toward its model's outcome, largest first."""
    pools = [_pool(o) for o in outcomes]
    picked: list[tuple[Outcome, Group]] = []
    seen: set[str] = set()
    for take in (2, MAX_REASONS):  # up to two per model first, then fill by size
        for o, pool in zip(outcomes, pools, strict=True):
            for g in pool:
                if len([p for p in picked if p[0] is o]) >= take or len(picked) >= MAX_REASONS:
                    break
                if g.feature not in seen:
                    seen.add(g.feature)
                    picked.append((o, g))
    picked.sort(key=lambda og: -og[1].value)
    return [_reason(o, g) for o, g in picked]


def _pool(o: Outcome) -> list[Group]:
    """Telling groups that pushed toward the outcome, minor ones left out."""
    top = max((g.value for g in o.groups), default=0.0)
    # A push under a tenth of the strongest one is true but would crowd out what mattered.
    floor = max(0.0, MINOR_SHARE * top)
    return [g for g in o.groups if g.value > floor and _telling(g)]


def _telling(g: Group) -> bool:
    return g.kind != "text" or any(w not in _STOPWORDS for w in g.feature[5:].split())


def _reason(o: Outcome, g: Group) -> dict[str, Any]:
    text = f"{_fact(g)}, which points to {o.target()}."
    out: dict[str, Any] = {
        "model": o.model,
        "feature": g.feature,
        "value": g.value,
        "text": text[:1].upper() + text[1:],
    }
    if g.kind == "text":
        out["spans"] = [list(s) for s in g.spans]
    return out


def _fact(g: Group) -> str:
    if g.kind == "text":
        return f"you wrote {g.display.replace(chr(34), chr(0x201C), 1)[:-1]}\u201d"
    v = g.field_value
    if g.field == "plan":
        return f"your account is on the {str(v).title()} plan"
    if g.field == "channel":
        return f"you contacted us by {_CHANNEL_WORDS.get(str(v), str(v))}"
    if g.field == "account_age_days":
        return f"your account is {v} day{'s' if v != 1 else ''} old"
    if g.field == "open_tickets":
        return f"you have {v} open ticket{'s' if v != 1 else ''} with us"
    return f"your {str(g.field).replace('_', ' ')} is {v}"


def remove_all(subject: str, body: str, removed: Sequence[str]) -> tuple[str, str]:
    """Delete every occurrence of each substring, in the listed order."""
    for s in removed:
        subject, body = subject.replace(s, ""), body.replace(s, "")
    return subject, body


def counterfactual(
    outcomes: Sequence[Outcome], subject: str, body: str, rerun: Callable[[str, str, str], str]
) -> dict[str, Any] | None:
    """The first verified flip from deleting up to three top reason phrases, or None.

    ``rerun(model, subject, body)`` returns that model's label for the edited ticket.
    """
    for o in outcomes:
        telling = (g for g in o.groups if g.kind == "text" and g.value > 0 and _telling(g))
        words = list(islice(telling, MAX_REMOVED))
        for k in range(1, len(words) + 1):
            removed = _substrings(words[:k], subject, body)
            new_subject, new_body = remove_all(subject, body, removed)
            label = rerun(o.model, new_subject, new_body)
            if label != o.label:
                return {
                    "model": o.model,
                    "removed": removed,
                    "label": label,
                    "quoted": [g.display for g in words[:k]],
                }
    return None


def counterfactual_text(cf: dict[str, Any], display: str) -> str:
    """The sentence for a verified counterfactual, given the new label's display name."""
    quoted = [q.replace('"', "\u201c", 1)[:-1] + "\u201d" for q in cf["quoted"]]
    joined = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
    target = f"{display} priority" if cf["model"] == "priority" else f"\u201c{display}\u201d"
    return f"Without {joined}, it would most likely have been {target}."


def _substrings(groups: Sequence[Group], subject: str, body: str) -> list[str]:
    fields = {"subject": subject, "body": body}
    found: list[str] = []
    for g in groups:
        for field, start, end in g.spans:
            piece = fields[field][start:end]
            if piece not in found:
                found.append(piece)
    # Longer first, so deleting a short piece never breaks a longer one listed later.
    return sorted(found, key=len, reverse=True)
