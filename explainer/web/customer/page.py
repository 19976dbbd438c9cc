"""What the customer page and the widget show, built from a stored decision (no Flask).

Presentation only: every sentence comes from the decision's ``customer`` block (the
narrative module words it); this module picks, orders and splits it for layout. The
customer's message is cut into plain-text segments, some marked as a reason's words,
so templates escape every piece and the widget sets each with ``textContent``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from explainer.wording.narrative import MAX_REASONS
from explainer.wording.render import Names, render
from explainer.wording.review import person_summary, review_outcome
from explainer.wording.words import EN, Words

__all__ = ["MAX_COMMENT", "kept_notice", "page_view", "review_state", "segments", "visible"]

MAX_COMMENT = 2_000  # characters in a review or feedback comment
# Bidirectional embedding, override and isolate controls: invisible, yet they can
# reorder the text around them ("Trojan Source"). Shown as U+FFFD, one code point for
# one, so the attribution spans still line up.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], "\ufffd"
)


def visible(text: str) -> str:
    """``text`` with bidi control characters replaced by U+FFFD (same length)."""
    return text.translate(_BIDI_CONTROLS)


def segments(text: str, spans: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
    """Split ``text`` into ``{"text", "mark"}`` pieces; overlapping spans are merged."""
    cuts = _merge((max(0, s), min(len(text), e)) for s, e in spans)
    out: list[dict[str, Any]] = []
    pos = 0
    for start, end in cuts:
        if start > pos:
            out.append({"text": visible(text[pos:start]), "mark": False})
        out.append({"text": visible(text[start:end]), "mark": True})
        pos = end
    if pos < len(text):
        out.append({"text": visible(text[pos:]), "mark": False})
    return out


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def review_state(
    reviews: Sequence[Mapping[str, Any]],
    reword: Callable[[Mapping[str, Any]], str | None] | None = None,
) -> dict[str, Any] | None:
    """The latest review request as ``{"status", "detail"}``, or None when none was made.

    ``reword`` words a resolved review's outcome in the page's language (the stored
    sentence is English); a reviewer's own note is shown as written.
    """
    if not reviews:
        return None
    latest = reviews[-1]
    if reword is not None and latest.get("outcome"):
        latest = {**latest, "outcome": reword(latest) or latest["outcome"]}
    detail = next(
        (
            str(latest[k])
            for k in ("outcome", "resolution", "note", "reviewer_note", "response")
            if latest.get(k)
        ),
        None,
    )
    status = str(latest.get("status") or "pending")
    comment = latest.get("comment")  # as stored: personal details already replaced
    return {
        "status": status,
        "detail": visible(detail) if detail else None,
        "comment": visible(str(comment)) if comment else None,
    }


Gettext = Callable[..., str]


def _untranslated(message: str, **values: Any) -> str:
    return message % values if values else message


def page_view(
    decision: Mapping[str, Any],
    reviews: Sequence[Mapping[str, Any]],
    feedback: Sequence[Mapping[str, Any]],
    actions: Mapping[str, str],
    retention_days: int | None = None,
    labels: LabelLookup | None = None,
    words: Words = EN,
    names: Names | None = None,
    _: Gettext = _untranslated,
) -> dict[str, Any]:
    """The customer-facing content of one decision: the page's context and the widget's JSON.

    ``retention_days`` (the service's setting) words what is kept and for how long.
    After a person's review, the page leads with what the person decided (``labels``
    names their labels) and keeps the AI's original below it as ``ai``. The wording is
    the one stored at decision time when ``words`` is its language; otherwise the same
    stored facts are worded again in ``words``' language (``names`` names the labels),
    and nothing is written. ``_`` translates the page's own strings (gettext).
    """
    customer = decision["customer"]
    details = list(customer.get("reason_details") or [])[:MAX_REASONS]
    ticket = decision["ticket"]
    texts = _texts(decision, words, names)
    ai = {
        "summary": visible(texts["summary"]),
        "outcome": _outcome(decision, words, labels, _),
    }
    person = _person(decision, reviews, labels, words, _)
    lead = ai if person is None else person
    return {
        "language": words.lang,
        "decided_by": "ai" if person is None else "person",
        "handoff": bool((decision.get("handoff") or {}).get("required")),
        "summary": lead["summary"],
        "outcome": lead["outcome"],
        "ai": None if person is None else ai,
        "reasons": [visible(t) for t in texts["reasons"][:MAX_REASONS]],
        "message": {
            field: segments(ticket.get(field) or "", _spans(details, field))
            for field in ("subject", "body")
        },
        "counterfactual": visible(texts["counterfactual"]) if texts["counterfactual"] else None,
        "notice": texts["notice"],
        "kept": kept_notice(retention_days, _) if retention_days else None,
        "review": review_state(
            reviews, None if words.lang == "en" else _reworder(decision, words, labels)
        ),
        "feedback": {"given": bool(feedback)},
        "actions": dict(actions),
        "max_comment": MAX_COMMENT,
    }


def _texts(decision: Mapping[str, Any], words: Words, names: Names | None) -> dict[str, Any]:
    """The stored wording, or the same facts worded in ``words``' language."""
    customer = decision["customer"]
    if customer.get("language", "en") == words.lang or decision.get("erased"):
        # An erased decision keeps no quotes to word again: its stored text stands.
        cf = customer.get("counterfactual")
        return {
            "summary": customer["summary"],
            "reasons": [r["text"] for r in customer.get("reason_details") or []],
            "notice": customer["notice"],
            "counterfactual": cf["text"] if cf else None,
        }
    return render(decision, words, names)


LabelLookup = Callable[[str, str], Mapping[str, str]]


def _reworder(
    decision: Mapping[str, Any], words: Words, labels: LabelLookup | None
) -> Callable[[Mapping[str, Any]], str | None]:
    """Words a resolved review's outcome again, from its labels, in ``words``' language."""
    before = {m: decision[m]["label"] for m in ("intent", "priority") if decision.get(m)}

    def reword(review: Mapping[str, Any]) -> str | None:
        if review.get("status") != "resolved" or labels is None:
            return None
        after = {m: review.get(f"{m}_after") or label for m, label in before.items()}
        displays = {
            m: {label: labels(m, label)["display"] for label in {before[m], after[m]}}
            for m in before
        }
        return review_outcome(before, after, displays, words)

    return reword


def _person(
    decision: Mapping[str, Any],
    reviews: Sequence[Mapping[str, Any]],
    labels: LabelLookup | None,
    words: Words,
    _: Gettext,
) -> dict[str, Any] | None:
    """The latest resolved review's labels, worded, or None when no person decided."""
    done = [r for r in reviews if r.get("status") == "resolved" and r.get("intent_after", "") != ""]
    if not done or labels is None:
        return None
    latest = done[-1]
    chosen: dict[str, Mapping[str, str] | None] = {}
    for model in ("intent", "priority"):
        label = latest.get(f"{model}_after") or (decision.get(model) or {}).get("label")
        chosen[model] = labels(model, label) if label and decision.get(model) else None
    rows: list[dict[str, str | None]] = []
    by_person = _("set by a person")
    rows = _rows(chosen["intent"], chosen["priority"], by_person, by_person, _)
    return {"summary": person_summary(chosen["intent"], chosen["priority"], words), "outcome": rows}


def _rows(
    intent: Mapping[str, Any] | None,
    priority: Mapping[str, Any] | None,
    intent_note: str | None,
    priority_note: str | None,
    _: Gettext,
) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    if intent is not None:
        rows.append({"term": _("Topic"), "value": intent["display"], "note": intent_note})
        if intent.get("queue"):
            rows.append({"term": _("Handled by"), "value": intent["queue"], "note": None})
    if priority is not None:
        rows.append({"term": _("Priority"), "value": priority["display"], "note": priority_note})
        if priority.get("response_time"):
            when = priority["response_time"]
            rows.append({"term": _("First response"), "value": when, "note": None})
    return rows


def kept_notice(retention_days: int, _: Gettext = _untranslated) -> str:
    """What is stored about the customer, and for how long (from the retention setting)."""
    return _(
        "We keep your message (with personal details removed), your account details and "
        "anything you write here for %(days)s days, then delete them. What the system "
        "decided (topic, priority, model versions) stays in our tamper-evident log without "
        "your personal data.",
        days=retention_days,
    )


def _spans(details: Iterable[Mapping[str, Any]], field: str) -> list[tuple[int, int]]:
    return [(s, e) for d in details for f, s, e in d.get("spans") or [] if f == field]


def _outcome(
    decision: Mapping[str, Any], words: Words, labels: LabelLookup | None, _: Gettext
) -> list[Any]:
    """Term/value rows for the outcome box; labels only, the values are the models'.

    When a person must act, no topic queue is shown: the ticket is with a person; after
    the customer opted out no model output is shown at all.
    """
    intent, priority = decision.get("intent"), decision.get("priority")
    handoff = decision.get("handoff") or {}
    rows: list[dict[str, str | None]] = []
    if handoff.get("required"):
        rows.append({"term": _("Handled by"), "value": _("a person from our team"), "note": None})
        intent = None
        if "opted_out" in (handoff.get("reasons") or []):
            return rows

    def named(model: str, block: Mapping[str, Any]) -> Mapping[str, Any]:
        return labels(model, block["label"]) if labels is not None else block

    def sure(block: Mapping[str, Any]) -> str:
        said = words.sure.format(confidence=words.confidence_word(float(block["confidence"])))
        return said[:1].lower() + said[1:]

    return rows + _rows(
        named("intent", intent) if intent else None,
        named("priority", priority) if priority else None,
        sure(intent)[:-1] if intent else None,
        sure(priority)[:-1] if priority else None,
        _,
    )
