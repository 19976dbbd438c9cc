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

import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import phonenumbers
from stdnum import iban, luhn, numdb

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

# Lookbehinds anchor every candidate at a token start, which keeps scanning linear.
_EMAIL_RE = re.compile(r"(?<![\w.+%-])[\w.+%-]+@(?:[\w-]+\.)+[^\W\d_]{2,}(?![\w-])")
# Compact or spaced; greedy, so it may swallow following words that the finder trims.
_IBAN_RE = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?!\w)", re.IGNORECASE)
# 13-19 digits with single separators; a leading "+" marks a phone number instead.
# Candidates are this loose on purpose: _card_grouping decides what looks like a card.
_CARD_RE = re.compile(r"(?<![\w+])\d(?:[ -]?\d){12,18}(?!\w)")
# Hex groups and colons, optionally ending in an embedded IPv4 ("::ffff:192.0.2.1").
_IPV6 = (
    r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}"
    r"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)"
)
# Four-part version numbers ("version 10.2.0.1", "v1.2.3.4") are not addresses.
_IPV4 = r"(?<![\w.])(?<![Vv]ersion )(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)"
_IP_RE = re.compile(f"{_IPV6}|{_IPV4}")
_DIGIT_RE = re.compile(r"\d")
_SEPARATOR_RE = re.compile(r"[ -]")
_DIGITS_RE = re.compile(r"\d+")
# Real card numbers start with 2-6 (Mastercard, Amex/Diners/JCB, Visa, Mastercard, Discover).
_CARD_FIRST_DIGITS = frozenset("23456")
# No number the matcher accepts as VALID is shorter ("+683 4002", Niue).
_MIN_PHONE_DIGITS = 7
_NAME_MIN_LENGTH = 3


def _iban_lengths() -> dict[str, int]:
    """Return the IBAN length of each country in python-stdnum's registry copy."""
    lengths: dict[str, int] = {}
    for _, low, high, props, _children in numdb.get("iban").prefixes:
        if low == high and "bban" in props:
            lengths[low] = 4 + sum(int(n) for n in re.findall(r"(\d+)!", props["bban"]))
    return lengths


_IBAN_LENGTHS: Mapping[str, int] = MappingProxyType(_iban_lengths())


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


def _whole(candidate: str) -> tuple[int, int]:
    """Confirm the whole candidate: the pattern alone is precise enough."""
    return 0, len(candidate)


def _iban_span(candidate: str) -> tuple[int, int] | None:
    """Return the valid IBAN at the start of ``candidate``, dropping trailing words."""
    # Only the one prefix of the country's IBAN length is checked: mod-97 on every
    # word-boundary prefix made runs of "ab12 cd34 ..." in logs cost a second.
    length = _IBAN_LENGTHS.get(candidate[:2].upper())
    end = len(candidate)
    while length and end > 0:
        compact_length = end - candidate.count(" ", 0, end)
        if compact_length == length:
            return (0, end) if iban.is_valid(candidate[:end]) else None
        end = candidate.rfind(" ", 0, end)
    return None


def _card_span(candidate: str) -> tuple[int, int] | None:
    """Return the span of the widest Luhn-valid, card-shaped number in a digit run."""
    groups = [(m.start(), m.end()) for m in _DIGITS_RE.finditer(candidate)]
    for first, last in _windows(len(groups)):
        span = groups[first][0], groups[last - 1][1]
        lengths = [end - start for start, end in groups[first:last]]
        if _card_grouping(lengths) and _is_card(candidate[span[0] : span[1]]):
            return span
    return None


def _windows(count: int) -> Iterator[tuple[int, int]]:
    """Yield (first, last) ranges over ``count`` groups, widest first."""
    for width in range(count, 0, -1):
        for first in range(count - width + 1):
            yield first, first + width


def _card_grouping(lengths: list[int]) -> bool:
    """Tell whether group lengths look like a printed card (compact, 4-4-4-4, 4-6-5).

    Digit runs that merely add up to 13-19 digits ("+33 4 65 71 66 34 3793 ...") are
    refused: with Luhn alone one such run in ten would pass.
    """
    return (
        len(lengths) == 1
        or lengths in ([4, 6, 5], [4, 6, 4])
        or (all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4)
    )


def _is_card(number: str) -> bool:
    """Tell whether ``number`` (separators allowed) is a plausible, Luhn-valid card."""
    digits = _SEPARATOR_RE.sub("", number)
    return (
        13 <= len(digits) <= 19 and digits[0] in _CARD_FIRST_DIGITS and bool(luhn.is_valid(digits))
    )


def _ip_span(candidate: str) -> tuple[int, int] | None:
    """Confirm an IPv4 or IPv6 candidate with ``ipaddress``."""
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return None
    return 0, len(candidate)


def _phone_stage(text: str) -> tuple[str, int]:
    """Replace phone numbers: US national formats and any ``+`` international number."""
    if len(_DIGIT_RE.findall(text)) < _MIN_PHONE_DIGITS:
        return text, 0  # the matcher is pure Python and slow; most stretches skip it
    # VALID (not POSSIBLE) leniency: POSSIBLE also takes "order 1234567" for a number.
    matcher = phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID)
    pieces: list[str] = []
    done = count = 0
    for start, end in filter(None, map(_phone_span, matcher)):
        pieces += [text[done:start], PLACEHOLDERS["phone"]]
        done, count = end, count + 1
    return "".join([*pieces, text[done:]]), count


def _phone_span(match: phonenumbers.PhoneNumberMatch) -> tuple[int, int] | None:
    """Return the span of a matched number, or None when it is written like an ID."""
    raw, start = match.raw_string, match.start
    # The matcher keeps an opening bracket whose partner lies outside the match
    # ("(+44 20 7946 0958)"); it belongs to the sentence, not to the number.
    if sum(map(raw.count, "([（［")) > sum(map(raw.count, ")]）］")):
        unbracketed = raw[1:].lstrip()
        start, raw = start + len(raw) - len(unbracketed), unbracketed
    # VALID alone reads year-prefixed IDs ("case 2024-000481") as US numbers in area
    # 202; written nationally, a number starts with its 3-digit area code or a "1".
    groups = _DIGITS_RE.findall(raw)
    if raw[0] in "+＋" or len(groups) == 1 or len(groups[0]) in (1, 3):
        return start, match.end
    return None


_PATTERN_STAGES: list[tuple[str, _Stage]] = [
    ("email", _pattern_stage(_EMAIL_RE, _whole, PLACEHOLDERS["email"])),
    ("iban", _pattern_stage(_IBAN_RE, _iban_span, PLACEHOLDERS["iban"])),
    ("card", _pattern_stage(_CARD_RE, _card_span, PLACEHOLDERS["card"])),
    ("ip", _pattern_stage(_IP_RE, _ip_span, PLACEHOLDERS["ip"])),
    ("phone", _phone_stage),
]
