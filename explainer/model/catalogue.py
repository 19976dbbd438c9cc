"""Label catalogue: customer-readable names, queues and response times."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEMO_INTENTS",
    "DEMO_PRIORITIES",
    "LabelInfo",
    "humanise",
    "labels_for",
    "load_labels_file",
]


@dataclass(frozen=True)
class LabelInfo:
    """How a model label is shown: display name plus queue or response time."""

    display: str
    queue: str | None = None
    response_time: str | None = None

    def as_dict(self) -> dict[str, str]:
        """Return the non-empty fields as a JSON-ready dict."""
        out = {"display": self.display}
        if self.queue:
            out["queue"] = self.queue
        if self.response_time:
            out["response_time"] = self.response_time
        return out


DEMO_INTENTS: dict[str, LabelInfo] = {
    "account_access": LabelInfo("Account access", queue="Accounts team"),
    "billing": LabelInfo("Billing question", queue="Billing team"),
    "refund": LabelInfo("Refund request", queue="Billing team"),
    "cancellation": LabelInfo("Cancellation", queue="Retention team"),
    "plan_change": LabelInfo("Plan change", queue="Sales team"),
    "bug_report": LabelInfo("Bug report", queue="Product support"),
    "outage": LabelInfo("Service outage", queue="Incident response"),
    "feature_request": LabelInfo("Feature request", queue="Product team"),
    "data_privacy": LabelInfo("Data privacy request", queue="Privacy office"),
    "shipping": LabelInfo("Shipping and delivery", queue="Logistics team"),
    "how_to": LabelInfo("How-to question", queue="Customer success"),
    "security": LabelInfo("Security concern", queue="Security team"),
}

# Documented first-response targets; the customer page quotes them.
DEMO_PRIORITIES: dict[str, LabelInfo] = {
    "low": LabelInfo("Low", response_time="within 3 business days"),
    "normal": LabelInfo("Normal", response_time="within 1 business day"),
    "high": LabelInfo("High", response_time="within 4 hours"),
    "urgent": LabelInfo("Urgent", response_time="within 1 hour"),
}


def humanise(label: str) -> str:
    """Turn an export's raw label into a readable name ("card_arrival" -> "Card arrival")."""
    words = label.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or label
    return text[:1].upper() + text[1:]


def load_labels_file(path: Path) -> dict[str, LabelInfo]:
    """Read a JSON labels file: {label: {"display": .., "queue": .., "response_time": ..}}."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a JSON object mapping labels to display names")
    out: dict[str, LabelInfo] = {}
    for label, info in raw.items():
        if isinstance(info, str):
            out[str(label)] = LabelInfo(info)
        else:
            out[str(label)] = LabelInfo(
                str(info.get("display") or humanise(str(label))),
                queue=info.get("queue"),
                response_time=info.get("response_time"),
            )
    return out


def labels_for(classes: list[str], known: dict[str, LabelInfo] | None) -> dict[str, LabelInfo]:
    """Display info for every class: from ``known`` when listed, humanised otherwise."""
    known = known or {}
    return {c: known.get(c, LabelInfo(humanise(c))) for c in classes}
