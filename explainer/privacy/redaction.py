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
from functools import lru_cache
from types import MappingProxyType

import phonenumbers

from explainer.privacy.validators import (
    CARD_RE,
    EMAIL_RE,
    IBAN_RE,
    IP_RE,
    card_span,
    iban_span,
    ip_span,
    phone_span,
    whole,
)

__all__ = ["PLACEHOLDERS", "PLACEHOLDER_RE", "Redaction", "redact"]

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
_NAME_MIN_LENGTH = 3


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


def redact(text: str, *, name: str | None = None, email: str | None = None) -> Redaction:
    """Replace personal data in ``text`` with placeholders from ``PLACEHOLDERS``.

    ``name`` and ``email`` are the customer's own, redacted wherever they occur:
    the full name and each part of at least three letters, case-insensitively and
    on word boundaries. ``found`` has a count for every kind, zero included.
    """
    found = dict.fromkeys(PLACEHOLDERS, 0)
    # A replacement can expose a value glued to the one it replaced ("a@b.orgc@d.test"),
    # so passes repeat until nothing changes: redacting twice then equals redacting once.
    stages = _stages(name, email)
    for _ in range(_MAX_PASSES):
        before = text
        for kind, stage in stages:
            text, count = _outside_placeholders(text, stage)
            found[kind] += count
        if text == before:
            break
    return Redaction(text=text, found=found)


def _stages(name: str | None, email: str | None) -> list[tuple[str, _Stage]]:
    """Return (kind, stage) in the order that keeps overlapping patterns apart."""
    stages: list[tuple[str, _Stage]] = []
    if email and "@" in email:  # a stray "x" would otherwise redact every lone "x"
        stages.append(("email", _literal_stage((email.strip(),), PLACEHOLDERS["email"])))
    stages += _PATTERN_STAGES
    if name and (variants := _name_variants(name)):
        stages.append(("name", _literal_stage(variants, PLACEHOLDERS["name"])))
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


def _literal_stage(values: tuple[str, ...], placeholder: str) -> _Stage:
    """Build a stage replacing whole-word, case-insensitive occurrences of ``values``.

    Longest first, so a full name becomes one placeholder rather than one per part;
    parts may be spaced any way but not across lines, which keeps the layout intact.
    Matched by plain string search: every ticket brings a new customer's name, and
    compiling a pattern for it cost more than the rest of redaction together.
    """
    ordered = [v.lower().split() for v in sorted(values, key=len, reverse=True)]
    ordered = [parts for parts in ordered if parts]
    firsts = {parts[0] for parts in ordered}

    def stage(text: str) -> tuple[str, int]:
        folded = text.lower()
        if not any(f in folded for f in firsts):
            return text, 0
        if len(folded) != len(text):  # lower() moved offsets ("İ"): rare, take the regex
            return _literal_pattern(tuple(" ".join(p) for p in ordered)).subn(placeholder, text)
        pieces: list[str] = []
        done = count = 0
        for start, end in _literal_spans(folded, ordered):
            pieces += [text[done:start], placeholder]
            done, count = end, count + 1
        return "".join([*pieces, text[done:]]), count

    return stage


def _literal_spans(folded: str, ordered: list[list[str]]) -> list[tuple[int, int]]:
    """Leftmost, non-overlapping whole-word matches; at one start the earlier value wins."""
    found: list[tuple[int, int, int]] = []
    for rank, parts in enumerate(ordered):
        i = folded.find(parts[0])
        while i >= 0:
            end = _literal_end(folded, i, parts)
            if end is not None:
                found.append((i, rank, end))
            i = folded.find(parts[0], i + 1)
    spans: list[tuple[int, int]] = []
    for start, _, end in sorted(found):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans


def _literal_end(folded: str, i: int, parts: list[str]) -> int | None:
    """Where ``parts`` matched at ``i`` end, when the match stands as whole words."""
    if i > 0 and _joins_left(folded[i - 1]):
        return None
    pos, n = i + len(parts[0]), len(folded)
    for part in parts[1:]:
        gap = pos
        while pos < n and folded[pos] in _INLINE_SPACE:
            pos += 1
        if pos == gap or not folded.startswith(part, pos):
            return None
        pos += len(part)
    if pos < n:
        after = folded[pos]
        if after.isalnum() or after in "_-":
            return None
        if after == "." and pos + 1 < n and (folded[pos + 1].isalnum() or folded[pos + 1] == "_"):
            return None
    return pos


def _joins_left(c: str) -> bool:
    return c.isalnum() or c in "_.+-"


# Whitespace that is not a line break: what may separate the parts of a name.
_INLINE_SPACE = frozenset(c for c in map(chr, range(0x3000 + 1)) if c.isspace() and c not in "\r\n")


@lru_cache(maxsize=256)
def _literal_pattern(values: tuple[str, ...]) -> re.Pattern[str]:
    """The same rule as a regular expression, for text whose case folding moves offsets."""
    alternatives = "|".join(r"[^\S\r\n]+".join(map(re.escape, v.split())) for v in values)
    return re.compile(rf"(?<![\w.+-])(?:{alternatives})(?![\w-]|\.\w)", re.IGNORECASE)


def _name_variants(name: str) -> tuple[str, ...]:
    """Return the full name and its parts (also hyphen parts) of at least three letters."""
    parts = name.split()
    pieces = parts + [p for part in parts if "-" in part for p in part.split("-")]
    variants = {" ".join(parts), *pieces}
    return tuple(v for v in variants if len(v) >= _NAME_MIN_LENGTH)


def _phone_stage(text: str) -> tuple[str, int]:
    """Replace phone numbers: US national formats and any ``+`` international number."""
    if len(_DIGIT_RE.findall(text)) < _MIN_PHONE_DIGITS:
        return text, 0  # the matcher is pure Python and slow; most stretches skip it
    # VALID (not POSSIBLE) leniency: POSSIBLE also takes "order 1234567" for a number.
    matcher = phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID)
    pieces: list[str] = []
    done = count = 0
    for start, end in filter(None, map(phone_span, matcher)):
        pieces += [text[done:start], PLACEHOLDERS["phone"]]
        done, count = end, count + 1
    return "".join([*pieces, text[done:]]), count


_PATTERN_STAGES: list[tuple[str, _Stage]] = [
    ("email", _pattern_stage(EMAIL_RE, whole, PLACEHOLDERS["email"])),
    ("iban", _pattern_stage(IBAN_RE, iban_span, PLACEHOLDERS["iban"])),
    ("card", _pattern_stage(CARD_RE, card_span, PLACEHOLDERS["card"])),
    ("ip", _pattern_stage(IP_RE, ip_span, PLACEHOLDERS["ip"])),
    ("phone", _phone_stage),
]
