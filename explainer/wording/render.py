"""The customer's sentences in one language, from a decision's stored facts.

One path for every use: the decider fills the decision's wording with it, in the
ticket's language, and a why page asked for another shipped language renders the
same stored facts again (writing nothing). The facts are the decision's labels and
confidences, the reasons it chose (``reason_details``: model and feature), their
attributions, the verified counterfactual, the hand-off and the models' account inputs,
so the sentences can only say what the stored decision holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from explainer.wording.words import Words

__all__ = ["Names", "fill", "notice", "render"]


class Names(Protocol):
    """Label and topic names in a language (a label None: the names the decision stored)."""

    def label(self, model: str, label: str, lang: str) -> Mapping[str, str] | None:
        """``display`` and, when known, ``queue`` and ``response_time``."""

    def topic(self, code: str, lang: str) -> str:
        """How the sensitive topic ``code`` (as the hand-off stores it) is named."""


def render(decision: Mapping[str, Any], w: Words, names: Names | None) -> dict[str, Any]:
    """``summary``, ``reasons`` (one per ``reason_details``), ``notice`` and
    ``counterfactual`` (or None) for ``decision`` (its JSON form) in ``w``'s language."""
    return _Renderer(decision, w, names).texts()


def fill(decision: dict[str, Any], w: Words, names: Names | None) -> None:
    """Write the sentences into a new decision's ``customer`` block, in ``w``'s language:
    the record of what the customer read at decision time."""
    texts = render(decision, w, names)
    customer = decision["customer"]
    customer["language"] = w.lang
    customer["summary"], customer["notice"] = texts["summary"], texts["notice"]
    for detail, text in zip(customer["reason_details"], texts["reasons"], strict=True):
        detail["text"] = text
    if customer["counterfactual"] is not None:
        customer["counterfactual"]["text"] = texts["counterfactual"]


def notice(w: Words, read: Iterable[str], opted_out: bool = False) -> str:
    """The AI notice naming exactly the account inputs the models read (``read``: the
    field names on their cards); the message is always read."""
    if opted_out:
        return w.opted_out_notice
    fields = set(read)
    named = [w.input_names[f] for f in w.input_names if f in fields]
    named += [f.replace("_", " ") for f in sorted(fields) if f not in w.input_names]
    inputs = w.notice_inputs.format(listed=w.listing(named)) if named else ""
    return w.notice.format(inputs=inputs)


class _Renderer:
    def __init__(self, decision: Mapping[str, Any], w: Words, names: Names | None) -> None:
        self.d, self.w, self.names = decision, w, names
        self.customer = decision["customer"]
        self.hand = decision.get("handoff") or {}
        self.codes = list(self.hand.get("reasons") or [])

    def texts(self) -> dict[str, Any]:
        details = list(self.customer.get("reason_details") or [])
        cf = self.customer.get("counterfactual")
        return {
            "summary": self.summary(details),
            "reasons": [self.reason(r) for r in details],
            "notice": self.notice(),
            "counterfactual": self.counterfactual(cf) if cf else None,
        }

    def worded(self) -> dict[str, Mapping[str, Any]]:
        """The models whose outcome the customer is told, in summary order."""
        blocks = {m: self.d[m] for m in ("intent", "priority") if self.d.get(m)}
        if self.hand.get("required"):
            # A person handles it: no topic queue, and after opting out no model output.
            blocks.pop("intent", None)
            if "opted_out" in self.codes:
                blocks.clear()
        return blocks

    def label(self, model: str) -> dict[str, str]:
        block = self.d[model]
        found = self.names.label(model, block["label"], self.w.lang) if self.names else None
        if found:
            return dict(found)
        return {k: block[k] for k in ("display", "queue", "response_time") if block.get(k)}

    def target(self, model: str, quoted: bool = False, display: str | None = None) -> str:
        """How an outcome is named in a sentence; ``quoted`` always quotes a topic."""
        display = display or self.label(model)["display"]
        template = self.w.priority_target if model == "priority" else self.w.intent_target
        if quoted and model != "priority":
            template = "{quoted}"
        return template.format(label=display, quoted=self.w.quote(display))

    def summary(self, details: list[Mapping[str, Any]]) -> str:
        w, blocks = self.w, self.worded()
        parts = [self.lead()]
        if "intent" in blocks:
            names = self.label("intent")
            parts.append(w.read_as.format(label=w.quote(names["display"])))
            if names.get("queue"):
                parts.append(w.routed.format(queue=w.quote(names["queue"])))
            parts.append(self.sure("intent"))
        if "priority" in blocks:
            names = self.label("priority")
            whose = "Its" if "intent" in blocks else "Your ticket's"
            parts.append(w.priority_set.format(whose=whose, label=w.quote(names["display"])))
            if names.get("response_time"):
                parts.append(w.respond.format(when=names["response_time"]))
            parts.append(self.sure("priority"))
        told = {r["model"] for r in details}
        defaulted = set(self.customer.get("defaulted") or [])
        for model in ("priority", "intent"):
            if model in blocks and model not in told:
                if model in defaulted:
                    parts.append(w.no_reason_default.format(target=self.target(model)))
                else:
                    parts.append(w.no_reason_whole.format(target=self.target(model, quoted=True)))
        return " ".join(p for p in parts if p)

    def sure(self, model: str) -> str:
        confidence = float(self.d[model]["confidence"])
        return self.w.sure.format(confidence=self.w.confidence_word(confidence))

    def lead(self) -> str:
        leads = self.w.leads
        if "opted_out" in self.codes:
            return leads["opted_out"]
        topics = list(self.hand.get("topics") or [])
        if "sensitive" in self.codes and topics:
            said = [self.names.topic(t, self.w.lang) if self.names else t for t in topics]
            return leads["sensitive"].format(topics=self.w.listing(said))
        for code in ("out_of_scope", "low_confidence"):
            if code in self.codes:
                return leads[code]
        return ""

    def reason(self, detail: Mapping[str, Any]) -> str:
        model = detail["model"]
        attribution = next(
            a
            for a in self.d[model]["explanation"]["attributions"]
            if a["feature"] == detail["feature"]
        )
        return self.w.reason.format(fact=self.fact(attribution), target=self.target(model))

    def fact(self, a: Mapping[str, Any]) -> str:
        w = self.w
        if a["kind"] == "text":
            return w.wrote.format(phrase=w.quote(str(a["display"])[1:-1]))
        field, value = str(a["field"]), a["field_value"]
        if field == "plan":
            return w.plan.format(plan=w.plans.get(str(value), str(value).title()))
        if field == "channel":
            return w.channel.format(channel=w.channels.get(str(value), str(value)))
        if field == "account_age_days":
            return w.age[value != 1].format(n=w.number(value))
        if field == "open_tickets":
            return w.open_tickets[value != 1].format(n=w.number(value))
        return w.other_field.format(field=field.replace("_", " "), value=value)

    def notice(self) -> str:
        read = {
            f
            for m in ("intent", "priority")
            if self.d.get(m)
            for f in self.d[m]["explanation"].get("baseline_fields") or {}
        }
        return notice(self.w, read, opted_out="opted_out" in self.codes)

    def counterfactual(self, cf: Mapping[str, Any]) -> str:
        quoted = self.w.listing([self.w.quote(q[1:-1]) for q in cf["quoted"]])
        label = self.names.label(cf["model"], cf["label"], self.w.lang) if self.names else None
        display = (label or {}).get("display") or cf.get("display") or cf["label"]
        target = self.target(cf["model"], quoted=True, display=display)
        return self.w.counterfactual.format(quoted=quoted, target=target)
