"""The customer wording's templates, one set per language we ship (English, German).

Each sentence is a template with named slots; the wording module fills them from the
stored attributions, so adding a language means adding one :class:`Words` here (and
its UI catalogue, docs/languages.md). Names of labels, queues and response times come
from the model's label catalogue in the same language; numbers are formatted by Babel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from babel.numbers import format_decimal

__all__ = ["DE", "EN", "SHIPPED", "Words", "pick", "words_for"]


@dataclass(frozen=True)
class Words:
    """Every customer sentence of one language, as templates."""

    lang: str
    quotes: tuple[str, str]
    confidence: tuple[str, str, str, str]  # >= 0.9, >= 0.7, >= 0.5, below
    read_as: str
    routed: str
    sure: str
    priority_set: str
    respond: str
    reason: str
    wrote: str
    plan: str
    channel: str
    age: tuple[str, str]  # one day, many days
    open_tickets: tuple[str, str]
    other_field: str
    priority_target: str
    intent_target: str
    no_reason_default: str
    no_reason_whole: str
    counterfactual: str
    and_: str
    leads: dict[str, str]
    notice: str
    notice_inputs: str
    opted_out_notice: str
    input_names: dict[str, str]
    channels: dict[str, str] = field(default_factory=dict)
    plans: dict[str, str] = field(default_factory=dict)
    person_topic: str = ""
    person_queue: str = ""
    person_priority: str = ""
    person_priority_only: str = ""
    person_respond: str = ""
    review_confirmed: str = ""
    review_changed: str = ""
    review_change: str = ""
    review_names: dict[str, str] = field(default_factory=dict)

    def quote(self, text: str) -> str:
        """``text`` in this language's quotation marks."""
        return f"{self.quotes[0]}{text}{self.quotes[1]}"

    def number(self, value: object) -> str:
        """A count as this language writes it (1,234 / 1.234)."""
        try:
            return str(format_decimal(int(str(value)), locale=self.lang))
        except ValueError:
            return str(value)

    def listing(self, items: list[str]) -> str:
        """``a``, ``a and b``, ``a, b and c``."""
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + self.and_ + items[-1]

    def confidence_word(self, p: float) -> str:
        """An honest word for a probability (not a promise of correctness)."""
        cuts = (0.9, 0.7, 0.5)
        return next(
            (w for cut, w in zip(cuts, self.confidence, strict=False) if p >= cut),
            self.confidence[3],
        )


EN = Words(
    lang="en",
    quotes=("\u201c", "\u201d"),
    confidence=("very sure", "fairly sure", "not quite sure", "unsure"),
    read_as="Your ticket was read as {label}.",
    routed="It was routed to {queue}.",
    sure="The system was {confidence}.",
    priority_set="{whose} priority was set to {label}.",
    respond="Expect a first response {when}.",
    reason="{fact}. That made {target} more likely.",
    wrote="You wrote {phrase}",
    plan="Your account is on the {plan} plan",
    channel="You contacted us by {channel}",
    age=("Your account is {n} day old", "Your account is {n} days old"),
    open_tickets=("You have {n} open ticket with us", "You have {n} open tickets with us"),
    other_field="Your {field} is {value}",
    priority_target="{label} priority",
    intent_target="{label}",
    no_reason_default=(
        "Nothing in your message stood out: {target} is what the system chooses when a "
        "message gives it nothing specific to go on."
    ),
    no_reason_whole=(
        "No single word stood out: the system chose {target} from your message as a whole."
    ),
    counterfactual="Without {quoted}, it would most likely have been {target}.",
    and_=" and ",
    leads={
        "opted_out": (
            "You asked for a person to decide, so a person from our team will handle your ticket."
        ),
        "sensitive": "You mentioned {topics}, so a person will handle your request.",
        "out_of_scope": (
            "We weren't sure what your message is about, so a person from our team will read it."
        ),
        "low_confidence": (
            "We weren't sure which of our teams your message is for, so a person from our "
            "team will read it."
        ),
    },
    notice=(
        "An automated system (AI) made this decision. It read your subject and message, "
        "with personal details such as e-mail addresses and phone numbers removed{inputs}. "
        "You can ask a person to review it."
    ),
    notice_inputs=", plus {listed}",
    opted_out_notice=(
        "You asked for a person, so no automated system decides this ticket: a person from "
        "our team will. Our AI models still read your message, with personal details removed, "
        "for our statistics and to check their quality. You can still ask for a review."
    ),
    input_names={
        "plan": "your plan",
        "channel": "how you contacted us",
        "account_age_days": "your account's age",
        "open_tickets": "your number of open tickets",
    },
    channels={
        "email": "e-mail",
        "chat": "chat",
        "phone": "phone",
        "web": "the web form",
        "social": "social media",
    },
    person_topic="A person reviewed your ticket: it is about {label}{queue}.",
    person_queue=" and routed to {queue}",
    person_priority="Its priority is {label}{when}.",
    person_priority_only="A person reviewed your ticket: its priority is {label}{when}.",
    person_respond=": expect a first response {when}",
    review_confirmed="A person reviewed this decision and confirmed it.",
    review_changed="A person reviewed this decision and changed {changes}.",
    review_change="the {what} from {old} to {new}",
    review_names={"intent": "topic", "priority": "priority"},
)

# Short sentences and plain words: German reading ease is measured (bench.wording, Amstad).
DE = Words(
    lang="de",
    quotes=("\u201e", "\u201c"),
    confidence=("sehr sicher", "ziemlich sicher", "etwas unsicher", "unsicher"),
    read_as="Ihr Ticket wurde als {label} erkannt.",
    routed="Es ging an {queue}.",
    sure="Das System war {confidence}.",
    priority_set="Die Priorität ist {label}.",
    respond="Eine erste Antwort kommt {when}.",
    reason="{fact}. Das sprach für {target}.",
    wrote="Sie schrieben {phrase}",
    plan="Ihr Konto hat den Tarif {plan}",
    channel="Sie haben uns per {channel} kontaktiert",
    age=("Ihr Konto ist {n} Tag alt", "Ihr Konto ist {n} Tage alt"),
    open_tickets=("Sie haben {n} offenes Ticket bei uns", "Sie haben {n} offene Tickets bei uns"),
    other_field="Ihr Feld {field} ist {value}",
    priority_target="die Priorität {quoted}",
    intent_target="{quoted}",
    no_reason_default=(
        "Nichts in Ihrer Nachricht fiel auf. Das System wählt {target}, wenn eine Nachricht "
        "nichts Bestimmtes sagt."
    ),
    no_reason_whole=(
        "Kein einzelnes Wort fiel auf. Das System wählte {target} nach der ganzen Nachricht."
    ),
    counterfactual="Ohne {quoted} wäre es wohl {target} geworden.",
    and_=" und ",
    leads={
        "opted_out": (
            "Sie wollten, dass ein Mensch entscheidet. Darum kümmert sich eine "
            "Person aus unserem Team um Ihr Ticket."
        ),
        "sensitive": "Sie haben {topics} erwähnt. Darum kümmert sich eine Person um Ihre Anfrage.",
        "out_of_scope": (
            "Wir waren nicht sicher, worum es in Ihrer Nachricht geht. Darum liest "
            "sie eine Person aus unserem Team."
        ),
        "low_confidence": (
            "Wir waren nicht sicher, welches Team Ihre Nachricht bekommen soll. Darum liest "
            "sie eine Person aus unserem Team."
        ),
    },
    notice=(
        "Ein automatisches System (KI) hat das entschieden. Es las Ihren Betreff und Ihre "
        "Nachricht, ohne persönliche Daten wie E-Mail-Adressen und Telefonnummern{inputs}. "
        "Sie können eine Person bitten, es zu prüfen."
    ),
    notice_inputs=", dazu {listed}",
    opted_out_notice=(
        "Sie wollten eine Person, darum entscheidet kein automatisches System über dieses "
        "Ticket, sondern jemand aus unserem Team. Unsere KI-Modelle lesen Ihre Nachricht "
        "trotzdem, ohne persönliche Daten, für unsere Statistik und um ihre Qualität zu "
        "prüfen. Sie können weiterhin eine Prüfung verlangen."
    ),
    input_names={
        "plan": "Ihren Tarif",
        "channel": "wie Sie uns kontaktiert haben",
        "account_age_days": "das Alter Ihres Kontos",
        "open_tickets": "die Zahl Ihrer offenen Tickets",
    },
    channels={
        "email": "E-Mail",
        "chat": "Chat",
        "phone": "Telefon",
        "web": "Webformular",
        "social": "soziale Medien",
    },
    person_topic="Eine Person hat Ihr Ticket geprüft: Es geht um {label}{queue}.",
    person_queue=" und ging an {queue}",
    person_priority="Die Priorität ist {label}{when}.",
    person_priority_only="Eine Person hat Ihr Ticket geprüft: Die Priorität ist {label}{when}.",
    person_respond=". Eine erste Antwort kommt {when}",
    review_confirmed="Eine Person hat diese Entscheidung geprüft und bestätigt.",
    review_changed="Eine Person hat diese Entscheidung geprüft und {changes} geändert.",
    review_change="{what} von \u201e{old}\u201c auf \u201e{new}\u201c",
    review_names={"intent": "das Thema", "priority": "die Priorität"},
)

SHIPPED: dict[str, Words] = {"en": EN, "de": DE}


def pick(tag: str | None) -> str | None:
    """The shipped language a BCP 47 tag asks for (its primary subtag), or None."""
    if not tag:
        return None
    primary = tag.replace("_", "-").split("-")[0].lower()
    return primary if primary in SHIPPED else None


def words_for(lang: str | None) -> Words:
    """The templates of a shipped language; English for any other."""
    return SHIPPED.get(pick(lang) or "en", EN)
