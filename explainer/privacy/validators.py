"""Candidate patterns for structured personal data, and the validators that confirm them.

Each pattern finds cheap candidates; its validator returns the span of the real value
inside a candidate (IBAN mod-97, Luhn and card grouping, ``ipaddress``, the phone
matcher's own match), or None, so ordinary numbers in a ticket stay readable.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType

import phonenumbers
from stdnum import iban, luhn, numdb

__all__ = [
    "CARD_RE",
    "EMAIL_RE",
    "IBAN_RE",
    "IP_RE",
    "SPELLED_EMAIL_RE",
    "card_span",
    "iban_span",
    "ip_span",
    "phone_span",
    "whole",
]

# Lookbehinds anchor every candidate at a token start, which keeps scanning linear.
EMAIL_RE = re.compile(
    r'(?:(?<![\w.+%-])[\w.+%-]+|"[^"\r\n@]{1,64}")@(?:[\w-]+\.)+[^\W\d_]{2,}(?![\w-])'
)
# Spelled out to dodge filters: "jane (at) example.com", "jane at example dot com". A
# bare " at " needs a spelled " dot " after it, or "bought it at shop.com" would match.
_BRACKET_AT = r"\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*"
_DOT = r"(?:\s*[\(\[\{<]\s*dot\s*[\)\]\}>]\s*|\s+dot\s+)"
_SEP = rf"(?:{_DOT}|\.)"
_LOCAL = r"(?<![\w.+-])[\w.+-]+"
_TLD = r"[^\W\d_]{2,6}(?![\w-])"
SPELLED_EMAIL_RE = re.compile(
    rf"{_LOCAL}{_BRACKET_AT}[\w-]+(?:{_SEP}[\w-]+)*{_SEP}{_TLD}"
    rf"|{_LOCAL}\s+at\s+[\w-]+(?:{_SEP}[\w-]+)*{_DOT}[\w-]+(?:\.[\w-]+)*(?<=[^\W\d_]{{2}})(?![\w-])",
    re.IGNORECASE,
)
IBAN_RE = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?:[ .-]?[A-Z0-9]){11,30}(?!\w)", re.IGNORECASE)
# 13-19 digits with single separators; a leading "+" marks a phone number instead.
# Candidates are this loose on purpose: _card_grouping decides what looks like a card.
CARD_RE = re.compile(r"(?<![\w+.])\d(?:[ .-]?\d){12,18}(?!\w|\.\d)")
# Hex groups and colons, optionally ending in an embedded IPv4 ("::ffff:192.0.2.1").
_IPV6 = (
    r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}"
    r"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)"
)
# Four-part version numbers ("version 10.2.0.1", "v1.2.3.4") are not addresses.
_IPV4 = r"(?<![\w.])(?<![Vv]ersion )(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)"
IP_RE = re.compile(f"{_IPV6}|{_IPV4}")
_DIGIT_RE = re.compile(r"\d")
_SEPARATOR_RE = re.compile(r"[ .-]")
_DIGITS_RE = re.compile(r"\d+")
# Real card numbers start with 2-6 (Mastercard, Amex/Diners/JCB, Visa, Mastercard, Discover).
_CARD_FIRST_DIGITS = frozenset("23456")


def _iban_lengths() -> dict[str, int]:
    """Return the IBAN length of each country in python-stdnum's registry copy."""
    lengths: dict[str, int] = {}
    for _, low, high, props, _children in numdb.get("iban").prefixes:
        if low == high and "bban" in props:
            lengths[low] = 4 + sum(int(n) for n in re.findall(r"(\d+)!", props["bban"]))
    return lengths


_IBAN_LENGTHS: Mapping[str, int] = MappingProxyType(_iban_lengths())


def whole(candidate: str) -> tuple[int, int]:
    """Confirm the whole candidate: the pattern alone is precise enough."""
    return 0, len(candidate)


def iban_span(candidate: str) -> tuple[int, int] | None:
    """Return the valid IBAN at the start of ``candidate``, dropping trailing words."""
    # Only the one prefix of the country's IBAN length is checked: mod-97 on every
    # word-boundary prefix made runs of "ab12 cd34 ..." in logs cost a second.
    length = _IBAN_LENGTHS.get(candidate[:2].upper())
    end = len(candidate)
    while length and end > 0:
        compact_length = end - sum(candidate.count(c, 0, end) for c in " .-")
        if compact_length == length:
            # The ISO 13616 checksum only: national bank-code tables go stale.
            return (0, end) if iban.is_valid(candidate[:end], check_country=False) else None
        end = max(candidate.rfind(c, 0, end) for c in " .-")
    return None


def card_span(candidate: str) -> tuple[int, int] | None:
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


def ip_span(candidate: str) -> tuple[int, int] | None:
    """Confirm an IPv4 or IPv6 candidate with ``ipaddress``."""
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return None
    return 0, len(candidate)


def phone_span(match: phonenumbers.PhoneNumberMatch) -> tuple[int, int] | None:
    """Return the span of a matched number, or None when it is written like an ID."""
    raw, start = match.raw_string, match.start
    # The matcher keeps an opening bracket whose partner lies outside the match
    # ("(+44 20 7946 0958)"); it belongs to the sentence, not to the number.
    if sum(map(raw.count, "([（［")) > sum(map(raw.count, ")]）］")):
        unbracketed = raw[1:].lstrip()
        start, raw = start + len(raw) - len(unbracketed), unbracketed
    # VALID alone reads year-prefixed IDs ("case 2024-000481") as US numbers in area
    # 202; written nationally, a number starts with an area code of one to three digits
    # (bracketed or not), the trunk prefix 0, or internationally with + or 00.
    groups = _DIGITS_RE.findall(raw)
    if raw[0] in "+＋0(（" or len(groups) == 1 or len(groups[0]) <= 3:
        return start, match.end
    return None
