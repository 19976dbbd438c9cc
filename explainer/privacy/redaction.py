"""Replace personal data in ticket text with placeholders such as ``[EMAIL]``.

Redaction runs before features are computed, before anything is stored and before
anything is shown (SPEC section 1). Each kind is found by a cheap regular expression
for candidates and then confirmed by a validator (IBAN mod-97, Luhn, ``ipaddress``,
``phonenumbers`` metadata), so ordinary numbers in a ticket stay readable.

Stages run in a fixed order because their patterns overlap: e-mail addresses and IBANs
contain digit runs a card pattern would see, and card numbers and IP addresses contain
digit groups the phone matcher would see. Text already replaced by a placeholder is
never searched again, which keeps placeholders whole and makes ``redact`` idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import phonenumbers

from explainer.privacy.names import folded_name_stage, literal_stage, name_variants
from explainer.privacy.validators import (
    CARD_RE,
    EMAIL_RE,
    IBAN_RE,
    IP_RE,
    SPELLED_EMAIL_RE,
    card_span,
    iban_span,
    ip_span,
    phone_span,
    whole,
)

__all__ = ["PLACEHOLDERS", "PLACEHOLDER_RE", "Redaction", "phone_regions", "redact"]

PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "email": "[EMAIL]",
        "phone": "[PHONE]",
        "card": "[CARD]",
        "iban": "[IBAN]",
        "ip": "[IP]",
        "name": "[NAME]",
    }
)
PLACEHOLDER_RE = re.compile(r"\[(EMAIL|PHONE|CARD|IBAN|IP|NAME)\]")

# A stage rewrites one stretch of text that holds no placeholder: (new text, count).
_Stage = Callable[[str], tuple[str, int]]
# A finder returns the (start, end) of the valid value inside a candidate, or None.
_Finder = Callable[[str], tuple[int, int] | None]

_DIGIT_RE = re.compile(r"\d")
# No number the matcher accepts as VALID is shorter ("+683 4002", Niue).
_MIN_PHONE_DIGITS = 7


@dataclass(frozen=True, slots=True)
class Redaction:
    """Redacted text and how many values of each kind were replaced."""

    text: str
    found: dict[str, int]

    @property
    def total(self) -> int:
        """Return the number of values replaced, all kinds together."""
        return sum(self.found.values())


_MAX_PASSES = 4
# Where national phone formats are read from when the ticket gives no hint: the regions
# of the languages the wording ships, and the matcher's historical default.
_DEFAULT_REGIONS = ("US", "GB", "DE")
_LANGUAGE_REGIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "en": ("US", "GB", "IE"),
        "de": ("DE", "AT", "CH"),
        "fr": ("FR", "BE", "CH"),
        "es": ("ES", "MX"),
        "pt": ("PT", "BR"),
        "it": ("IT",),
        "nl": ("NL", "BE"),
    }
)


def phone_regions(language: str | None = None, region: str | None = None) -> tuple[str, ...]:
    """The regions whose national phone formats a ticket may use, most likely first.

    ``language`` is a BCP 47 tag ("de-AT" names Austria first); ``region`` a country code
    when the customer's record has one. Unknown hints fall back to the default regions.
    """
    out: list[str] = []
    tag = (language or "").replace("_", "-").split("-")
    for code in [*tag[1:2], region or ""]:
        if len(code) == 2 and code.upper() in phonenumbers.SUPPORTED_REGIONS:
            out.append(code.upper())
    out += _LANGUAGE_REGIONS.get(tag[0].lower(), ())
    out += _DEFAULT_REGIONS
    return tuple(dict.fromkeys(out))


def redact(
    text: str,
    *,
    name: str | None = None,
    email: str | None = None,
    regions: tuple[str, ...] = _DEFAULT_REGIONS,
) -> Redaction:
    """Replace personal data in ``text`` with placeholders from ``PLACEHOLDERS``.

    ``name`` and ``email`` are the customer's own, redacted wherever they occur: the
    full name, each part of at least three letters, and the parts written together,
    compared after Unicode NFKC, case folding and accent folding, on word boundaries.
    ``regions`` (from :func:`phone_regions`) say which national phone formats to read.
    ``found`` has a count for every kind, zero included.
    """
    found = dict.fromkeys(PLACEHOLDERS, 0)
    # A replacement can expose a value glued to the one it replaced ("a@b.orgc@d.test"),
    # so passes repeat until nothing changes: redacting twice then equals redacting once.
    stages = _stages(name, email, regions)
    for _ in range(_MAX_PASSES):
        before = text
        for kind, stage in stages:
            text, count = _outside_placeholders(text, stage)
            found[kind] += count
        if text == before:
            break
    return Redaction(text=text, found=found)


def _stages(
    name: str | None, email: str | None, regions: tuple[str, ...]
) -> list[tuple[str, _Stage]]:
    """Return (kind, stage) in the order that keeps overlapping patterns apart."""
    stages: list[tuple[str, _Stage]] = []
    if email and "@" in email:  # a stray "x" would otherwise redact every lone "x"
        stages.append(("email", literal_stage((email.strip(),), PLACEHOLDERS["email"])))
    stages += _PATTERN_STAGES
    stages.append(("phone", _phone_stage(regions)))
    if name and (variants := name_variants(name)):
        stages.append(("name", literal_stage(variants, PLACEHOLDERS["name"])))
        stages.append(("name", folded_name_stage(variants, PLACEHOLDERS["name"])))
    return stages


def _outside_placeholders(text: str, stage: _Stage) -> tuple[str, int]:
    """Apply ``stage`` to each stretch of ``text`` between placeholders."""
    if "[" not in text:  # no placeholder yet: the common case
        return stage(text)
    pieces: list[str] = []
    total = start = 0
    for match in PLACEHOLDER_RE.finditer(text):
        new, count = stage(text[start : match.start()]) if match.start() > start else ("", 0)
        pieces += [new, match.group()]
        total, start = total + count, match.end()
    new, count = stage(text[start:]) if start < len(text) else ("", 0)
    return "".join([*pieces, new]), total + count


def _pattern_stage(pattern: re.Pattern[str], finder: _Finder, placeholder: str) -> _Stage:
    """Build a stage replacing the part of each ``pattern`` candidate that ``finder`` confirms."""

    def stage(text: str) -> tuple[str, int]:
        pieces: list[str] = []
        done = position = count = 0
        while match := pattern.search(text, position):
            span = finder(match.group())
            if span is None:
                # Resume inside the rejected candidate, not after it: a greedy candidate
                # ("+33 4 65 71 66 34 3793-824219-48923") can hide a valid value behind
                # digits that belong to something else.
                position = match.start() + 1
                continue
            start, end = match.start() + span[0], match.start() + span[1]
            pieces += [text[done:start], placeholder]
            done = position = end
            count += 1
        return "".join([*pieces, text[done:]]), count

    return stage


def _phone_stage(regions: tuple[str, ...]) -> _Stage:
    """Replace phone numbers: national formats of ``regions``, and any international one."""

    def stage(text: str) -> tuple[str, int]:
        if len(_DIGIT_RE.findall(text)) < _MIN_PHONE_DIGITS:
            return text, 0  # the matcher is pure Python and slow; most stretches skip it
        spans: list[tuple[int, int]] = []
        for region in regions:
            # VALID (not POSSIBLE) leniency: POSSIBLE takes "order 1234567" for a number.
            found = phonenumbers.PhoneNumberMatcher(
                text, region, leniency=phonenumbers.Leniency.VALID
            )
            spans += filter(None, map(phone_span, found))
        pieces: list[str] = []
        done = count = 0
        for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
            if start < done:
                continue  # another region read the same number
            pieces += [text[done:start], PLACEHOLDERS["phone"]]
            done, count = end, count + 1
        return "".join([*pieces, text[done:]]), count

    return stage


_PATTERN_STAGES: list[tuple[str, _Stage]] = [
    ("email", _pattern_stage(EMAIL_RE, whole, PLACEHOLDERS["email"])),
    ("email", _pattern_stage(SPELLED_EMAIL_RE, whole, PLACEHOLDERS["email"])),
    ("iban", _pattern_stage(IBAN_RE, iban_span, PLACEHOLDERS["iban"])),
    ("card", _pattern_stage(CARD_RE, card_span, PLACEHOLDERS["card"])),
    ("ip", _pattern_stage(IP_RE, ip_span, PLACEHOLDERS["ip"])),
]
