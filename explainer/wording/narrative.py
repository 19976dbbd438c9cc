"""Wording rules: attributions -> customer reasons, confidence, counterfactual, notice.

Pure and plain-text: templates only lay these strings out. Every reason quotes the
redacted message or names a real account fact; the what-would-change-it sentence is
only stated after re-running the model on the edited message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from explainer.explain.grouping import Group

__all__ = [
    "NOTICE",
    "OPTED_OUT_NOTICE",
    "TEMPLATE_VERSION",
    "Outcome",
    "confidence_word",
    "handoff_lead",
    "no_reason",
    "notice",
    "reasons",
    "summary",
]

TEMPLATE_VERSION = "2026-12-01.3"
MAX_REASONS = 4
NOTICE = (
    "An automated system (AI) made this decision. It read your subject and message, "
    "with personal details such as e-mail addresses and phone numbers removed. "
    "You can ask a person to review it."
)
OPTED_OUT_NOTICE = (
    "You asked for a person, so no automated system decides this ticket: a person from "
    "our team will. Our AI models still read your message, with personal details removed, "
    "for our statistics and to check their quality. You can still ask for a review."
)
# How the notice names each account input a model card lists, in this order.
_INPUT_NAMES = {
    "plan": "your plan",
    "channel": "how you contacted us",
    "account_age_days": "your account's age",
    "open_tickets": "your number of open tickets",
}
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
    ranked: Sequence[Group] = ()  # reason candidates, in the deletion search's order
    is_default: bool = False  # the outcome an empty message at the baseline gets
    words: Sequence[str] = ()  # the words the search picked, in its order
    # Whether a candidate's sentence is true ("made X more likely"), checked on the model
    # when asked: only the reasons about to be shown are checked.
    holds: Callable[[Group], bool] | None = None

    def true_reasons(self) -> list[Group]:
        """The ranked candidates whose sentence holds, in the search's order."""
        return [g for g in self.ranked if self.holds is None or self.holds(g)]

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
    """Short sentences that say what happened to the ticket.

    Every label, queue and priority name is quoted after a verb that takes any name
    ("routed to", "set to"), so the sentence stays grammatical for a team called
    "Incident response", a queue called "billing@" or a label from a user's export.
    Sentences stay short: reading ease is measured (bench.wording).
    """
    parts = []
    if intent is not None:
        parts.append(f"Your ticket was read as \u201c{intent.display}\u201d.")
        if intent.queue:
            parts.append(f"It was routed to \u201c{intent.queue}\u201d.")
        parts.append(f"The system was {confidence_word(intent.confidence)}.")
    if priority is not None:
        whose = "Its" if parts else "Your ticket's"
        parts.append(f"{whose} priority was set to \u201c{priority.display}\u201d.")
        if priority.response_time:
            parts.append(f"Expect a first response {priority.response_time}.")
        parts.append(f"The system was {confidence_word(priority.confidence)}.")
    return " ".join(parts)


def handoff_lead(reasons: Sequence[str], topics: Sequence[str]) -> str:
    """Why a person will handle the ticket, leading the summary ("" when no one must).

    ``topics`` are the sensitive topics found, as the list words them ("a bereavement").
    """
    if "opted_out" in reasons:
        return (
            "You asked for a person to decide, so a person from our team will handle your ticket."
        )
    if "sensitive" in reasons and topics:
        said = topics[0] if len(topics) == 1 else ", ".join(topics[:-1]) + " and " + topics[-1]
        return f"You mentioned {said}, so a person will handle your request."
    if "out_of_scope" in reasons:
        return "We weren't sure what your message is about, so a person from our team will read it."
    if "low_confidence" in reasons:
        return (
            "We weren't sure which of our teams your message is for, so a person from our "
            "team will read it."
        )
    return ""


def notice(inputs: Sequence[str]) -> str:
    """The AI notice naming exactly the account inputs the models in service read.

    ``inputs`` are account field names from the model cards; the message is always read.
    """
    names = [_INPUT_NAMES.get(f, f.replace("_", " ")) for f in _INPUT_NAMES if f in inputs]
    names += [f.replace("_", " ") for f in inputs if f not in _INPUT_NAMES]
    if not names:
        return NOTICE
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return NOTICE.replace(" removed. ", f" removed, plus {listed}. ", 1)


def reasons(outcomes: Sequence[Outcome]) -> list[tuple[Outcome, Group]]:
    """At most four reasons: up to two per model first, then more in the search's order.

    Each model's candidates come in the order the deletion search took them; the
    models' lists are interleaved so that neither model's first reason is crowded out.
    """
    picked: list[tuple[int, int, Outcome, Group]] = []
    # The same words may be a reason for each model: the sentences name different outcomes.
    seen: set[tuple[str, str]] = set()
    for take in (2, MAX_REASONS):
        for m, o in enumerate(outcomes):
            mine = sum(1 for p in picked if p[2] is o)
            for rank, g in enumerate(o.ranked):
                if mine >= take or len(picked) >= MAX_REASONS:
                    break
                if (o.model, g.feature) not in seen and (o.holds is None or o.holds(g)):
                    seen.add((o.model, g.feature))
                    picked.append((rank, m, o, g))
                    mine += 1
    picked.sort(key=lambda p: (p[0], p[1]))
    return [(o, g) for _, _, o, g in picked]


def reason_details(shown: Sequence[tuple[Outcome, Group]]) -> list[dict[str, Any]]:
    """The decision's JSON form of the reasons shown."""
    return [_reason(o, g) for o, g in shown]


def no_reason(o: Outcome) -> str:
    """The true sentence for a model none of whose reasons can be shown."""
    if o.is_default:
        return (
            f"Nothing in your message stood out: {o.target()} is what the system chooses "
            "when a message gives it nothing specific to go on."
        )
    target = o.target() if o.model == "priority" else f"\u201c{o.target()}\u201d"
    return f"No single word stood out: the system chose {target} from your message as a whole."


def _reason(o: Outcome, g: Group) -> dict[str, Any]:
    text = f"{_fact(g)}. That made {o.target()} more likely."
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
