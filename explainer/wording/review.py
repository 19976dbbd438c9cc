"""What a customer is told after a person reviewed their decision (wording only)."""

from __future__ import annotations

from collections.abc import Mapping

from explainer.wording.words import EN, Words

__all__ = ["person_summary", "review_outcome"]


def review_outcome(
    before: Mapping[str, str | None],
    after: Mapping[str, str | None],
    displays: Mapping[str, Mapping[str, str]],
    words: Words = EN,
) -> str:
    """One plain sentence: confirmed, or which labels changed from what to what.

    ``displays`` maps a model name to its labels' display names.
    """
    w = words
    changes = [
        w.review_change.format(
            what=w.review_names[m],
            old=_display(displays, m, before.get(m)),
            new=_display(displays, m, after.get(m)),
        )
        for m in ("intent", "priority")
        if after.get(m) and after.get(m) != before.get(m)
    ]
    if not changes:
        return w.review_confirmed
    return w.review_changed.format(changes=w.and_.join(changes))


def _display(displays: Mapping[str, Mapping[str, str]], model: str, label: str | None) -> str:
    if label is None:
        return "none"
    return displays.get(model, {}).get(label) or label.replace("_", " ").capitalize()


def person_summary(
    intent: Mapping[str, str | None] | None,
    priority: Mapping[str, str | None] | None,
    words: Words = EN,
) -> str:
    """What a person decided, said the way the AI's summary says it (names in quotes).

    ``intent`` and ``priority`` hold ``display`` and, when known, ``queue`` and
    ``response_time`` of the labels the person set.
    """
    w, parts = words, []
    if intent is not None:
        queue = (
            w.person_queue.format(queue=w.quote(str(intent["queue"])))
            if intent.get("queue")
            else ""
        )
        parts.append(w.person_topic.format(label=w.quote(str(intent["display"])), queue=queue))
    if priority is not None:
        when = priority.get("response_time")
        tail = w.person_respond.format(when=when) if when else ""
        lead = w.person_priority if parts else w.person_priority_only
        parts.append(lead.format(label=w.quote(str(priority["display"])), when=tail))
    return " ".join(parts)
