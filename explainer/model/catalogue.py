"""Label catalogue: customer-readable names, queues and response times."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    # The same three names in other languages ({"de": {"display": ..}}); a name a
    # language lacks falls back to the default one.
    translations: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, str]:
        """Return the non-empty fields as a JSON-ready dict."""
        out = {"display": self.display}
        if self.queue:
            out["queue"] = self.queue
        if self.response_time:
            out["response_time"] = self.response_time
        return out

    def card_dict(self) -> dict[str, Any]:
        """The fields a model card keeps, translations included."""
        out: dict[str, Any] = self.as_dict()
        if self.translations:
            out["translations"] = self.translations
        return out

    def local(self, lang: str) -> LabelInfo:
        """The names in ``lang`` (a shipped primary subtag); the default ones otherwise."""
        names = self.translations.get(lang) or {}
        return LabelInfo(
            names.get("display") or self.display,
            names.get("queue") or self.queue,
            names.get("response_time") or self.response_time,
        )


_DE = "de"
DEMO_INTENTS: dict[str, LabelInfo] = {
    label: LabelInfo(display, queue=queue, translations={_DE: {"display": de, "queue": de_q}})
    for label, display, queue, de, de_q in [
        ("account_access", "Account access", "Accounts team", "Kontozugang", "Kontoteam"),
        ("billing", "Billing question", "Billing team", "Frage zur Rechnung", "Buchhaltung"),
        ("refund", "Refund request", "Billing team", "Erstattung", "Buchhaltung"),
        ("cancellation", "Cancellation", "Retention team", "Kündigung", "Kundenbindung"),
        ("plan_change", "Plan change", "Sales team", "Tarifwechsel", "Vertrieb"),
        ("bug_report", "Bug report", "Product support", "Fehlermeldung", "Produktsupport"),
        ("outage", "Service outage", "Incident response", "Störung", "Störungsteam"),
        ("feature_request", "Feature request", "Product team", "Funktionswunsch", "Produktteam"),
        (
            "data_privacy",
            "Data privacy request",
            "Privacy office",
            "Datenschutz",
            "Datenschutzteam",
        ),
        ("shipping", "Shipping and delivery", "Logistics team", "Versand", "Logistik"),
        ("how_to", "How-to question", "Customer success", "Frage zur Nutzung", "Kundenerfolg"),
        ("security", "Security concern", "Security team", "Sicherheit", "Sicherheitsteam"),
    ]
}

# Documented first-response targets; the customer page quotes them.
DEMO_PRIORITIES: dict[str, LabelInfo] = {
    label: LabelInfo(
        display, response_time=when, translations={_DE: {"display": de, "response_time": de_when}}
    )
    for label, display, when, de, de_when in [
        ("low", "Low", "within 3 business days", "Niedrig", "innerhalb von 3 Werktagen"),
        ("normal", "Normal", "within 1 business day", "Normal", "innerhalb von 1 Werktag"),
        ("high", "High", "within 4 hours", "Hoch", "innerhalb von 4 Stunden"),
        ("urgent", "Urgent", "within 1 hour", "Dringend", "innerhalb von 1 Stunde"),
    ]
}


def humanise(label: str) -> str:
    """Turn an export's raw label into a readable name ("card_arrival" -> "Card arrival")."""
    words = label.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or label
    return text[:1].upper() + text[1:]


def load_labels_file(path: Path) -> dict[str, LabelInfo]:
    """Read a JSON labels file: {label: {"display": .., "queue": .., "response_time": ..,
    "translations": {"de": {"display": ..}}}}."""
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
                translations=dict(info.get("translations") or {}),
            )
    return out


def labels_for(classes: list[str], known: dict[str, LabelInfo] | None) -> dict[str, LabelInfo]:
    """Display info for every class: from ``known`` when listed, humanised otherwise."""
    known = known or {}
    return {c: known.get(c, LabelInfo(humanise(c))) for c in classes}
