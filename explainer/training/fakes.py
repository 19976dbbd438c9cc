"""Deterministic fake personal data for the demo corpus and the redaction tests.

Every generator takes a ``random.Random`` first, so a seed reproduces the same values.
Values look real and pass the checks a redactor applies (phonenumbers validity, Luhn,
IBAN mod-97), but none belongs to a real person: e-mail domains are reserved
(RFC 2606), phone numbers come from ranges set aside for fiction where a country has
them (US 555-01xx, UK Ofcom drama ranges, French ARCEP fiction ranges), and IP addresses
are mostly from documentation or private ranges.
"""

from __future__ import annotations

import ipaddress
import random
import unicodedata
from collections.abc import Callable

import phonenumbers
from stdnum import iban, luhn
from stdnum.es import ccc

__all__ = [
    "PII_KINDS",
    "fake_card",
    "fake_email",
    "fake_iban",
    "fake_ip",
    "fake_name",
    "fake_phone",
]

PII_KINDS = ("email", "phone", "card", "iban", "ip", "name")


def _words(text: str) -> tuple[str, ...]:
    """Split a block of whitespace-separated words into a tuple."""
    return tuple(text.split())


# Names avoid common English words ("May", "Will", "Van", "Rose") so that redacting a
# customer's name in the demo corpus never eats ordinary words of a sentence.
_FIRST_NAMES = _words(
    """
    Jane John Amara José Søren Łukasz Zoë Aisha Mateo Priya Hiroshi Camille Dmitri
    Fatima Ingrid Kwame Lucía Noah Olga Ravi Sofia Tomás Yuki Élodie Björn Chloé Emeka
    Hannah Jürgen Leila Marta Oliver Siobhan Thanh Wei Ahmed Nadia
    """
)
_LAST_NAMES = _words(
    """
    Roe Müller Nguyen García Dubois Kowalski Okafor Yamamoto Schmidt Rossi Jansen
    Fernández O'Connor Andersson Petrov Haddad Novak Silva Kim Lee Papadopoulos Öztürk
    Dvořák Johansson Mensah Nakamura Ivanova Kaur Bianchi Lefèvre Vermeulen Smith Patel
    Hernández Wójcik Eriksen Achebe
    """
)
# Reserved for documentation and testing (RFC 2606 / RFC 6761).
_EMAIL_DOMAINS = (
    "example.com",
    "example.org",
    "example.net",
    "mail.example",
    "support.test",
    "shop.example.com",
    "inbox.example.org",
)
# Letters that NFKD does not split into base letter + accent.
_ASCII_FOLD = str.maketrans({"ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d"})


def fake_name(rng: random.Random) -> str:
    """Return a first and last name drawn from varied, partly non-English lists."""
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"


def _ascii_fold(text: str) -> str:
    """Lower-case ``text`` and strip accents so it fits an e-mail local part."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_ASCII_FOLD))
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "-"))


def fake_email(rng: random.Random, name: str | None = None) -> str:
    """Return an e-mail address at a reserved domain, derived from ``name`` if given."""
    parts = (name or fake_name(rng)).split()
    first, last = _ascii_fold(parts[0]), _ascii_fold("".join(parts[1:])) or "user"
    local = rng.choice(
        (
            f"{first}.{last}",
            f"{first[0]}{last}",
            f"{first}_{last}{rng.randint(1, 99)}",
            f"{first}+support",
            f"{last}.{first}",
            f"{first}{rng.randint(1970, 2005)}",
        )
    )
    if rng.random() < 0.1:  # some mail systems accept non-ASCII local parts (RFC 6531)
        local = parts[0].lower()
    return f"{local}@{rng.choice(_EMAIL_DOMAINS)}"


def _us_number(rng: random.Random) -> str:
    """Return a US number in 555-0100..0199, the range reserved for fiction."""
    area = rng.choice(("212", "312", "415", "617", "206", "303", "512", "646", "702", "818"))
    return f"+1{area}5550{rng.randint(100, 199)}"


def _gb_number(rng: random.Random) -> str:
    """Return a UK number from an Ofcom range reserved for drama."""
    prefix = rng.choice(("207946", "1134960", "1214960", "1314960", "1614960", "1174960"))
    return f"+44{prefix}{rng.randint(0, 10 ** (10 - len(prefix)) - 1):0{10 - len(prefix)}d}"


def _fr_number(rng: random.Random) -> str:
    """Return a French number from an ARCEP range reserved for fiction."""
    prefix = rng.choice(("19900", "26191", "35301", "46571", "53649", "97742"))
    return f"+33{prefix}{rng.randint(0, 9999):04d}"


def _de_number(rng: random.Random) -> str:
    """Return a German Berlin, Munich or mobile number with random subscriber digits."""
    prefix, digits = rng.choice((("30", 8), ("89", 8), ("40", 7), ("151", 8), ("171", 7)))
    return f"+49{prefix}{rng.randint(2 * 10 ** (digits - 1), 10**digits - 1)}"


def _us_style(number: phonenumbers.PhoneNumber, rng: random.Random) -> str:
    """Format a US number in one of the ways people type them."""
    d = str(number.national_number)
    area, exchange, line = d[:3], d[3:6], d[6:]
    return rng.choice(
        (
            f"+1 ({area}) {exchange}-{line}",
            f"({area}) {exchange}-{line}",
            f"({area}){exchange}-{line}",
            f"{area}-{exchange}-{line}",
            f"1-{area}-{exchange}-{line}",
            f"{area}.{exchange}.{line}",
            f"+1 {area} {exchange} {line}",
            f"+1-{area}-{exchange}-{line}",
        )
    )


def _international_style(number: phonenumbers.PhoneNumber, rng: random.Random) -> str:
    """Format a number with its country code, sometimes with the "(0)" Europeans add."""
    if rng.random() < 0.2:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    text = str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
    if number.country_code != 1 and rng.random() < 0.25:
        code, rest = text.split(" ", 1)
        return f"{code} (0){rest}"
    return text


def fake_phone(rng: random.Random) -> str:
    """Return a phone number valid for ``phonenumbers`` in a real-looking format.

    US numbers appear in national and international styles; UK, German and French
    numbers always carry their ``+`` country code, the form the redactor recognises.
    """
    make: Callable[[random.Random], str] = rng.choice(
        (_us_number, _us_number, _gb_number, _de_number, _fr_number)
    )
    number = phonenumbers.parse(make(rng))
    if not phonenumbers.is_valid_number(number):  # guards the ranges above
        raise AssertionError(f"generated an invalid phone number: {number}")
    if number.country_code == 1 and rng.random() < 0.7:
        return _us_style(number, rng)
    return _international_style(number, rng)


def _luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    """Pad ``prefix`` with random digits to ``length`` including a Luhn check digit."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return body + str(luhn.calc_check_digit(body))


def fake_card(rng: random.Random) -> str:
    """Return a Luhn-valid Visa, Mastercard (16 digits) or Amex (15) number, formatted."""
    brand = rng.choice(("visa", "visa", "mastercard", "amex"))
    if brand == "amex":
        digits = _luhn_complete(rng, rng.choice(("34", "37")), 15)
        groups = [digits[:4], digits[4:10], digits[10:]]
    else:
        prefix = "4" if brand == "visa" else rng.choice(("51", "53", "55", "2221", "2720"))
        digits = _luhn_complete(rng, prefix, 16)
        groups = [digits[i : i + 4] for i in range(0, 16, 4)]
    return rng.choice((" ", "-", "")).join(groups)


def _digits(rng: random.Random, count: int) -> str:
    """Return ``count`` random decimal digits."""
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _fr_bban(rng: random.Random) -> str:
    """Return a French BBAN whose RIB key is right (bank, branch, account, key)."""
    bank, branch, account = _digits(rng, 5), _digits(rng, 5), _digits(rng, 11)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    return f"{bank}{branch}{account}{key:02d}"


def _es_bban(rng: random.Random) -> str:
    """Return a Spanish BBAN (CCC) with correct control digits."""
    draft = f"{_digits(rng, 8)}00{_digits(rng, 10)}"
    return draft[:8] + ccc.calc_check_digits(draft) + draft[10:]


_BBANS: dict[str, Callable[[random.Random], str]] = {
    "DE": lambda rng: _digits(rng, 18),
    "GB": lambda rng: rng.choice(("NWBK", "BARC", "LOYD", "MIDL")) + _digits(rng, 14),
    "FR": _fr_bban,
    "NL": lambda rng: rng.choice(("ABNA", "INGB", "RABO", "TRIO")) + _digits(rng, 10),
    "ES": _es_bban,
}


def fake_iban(rng: random.Random) -> str:
    """Return a checksum-valid DE, GB, FR, NL or ES IBAN, compact or in groups of four."""
    country = rng.choice(tuple(_BBANS))
    bban = _BBANS[country](rng)
    number = f"{country}{iban.calc_check_digits(country + '00' + bban)}{bban}"
    if not iban.is_valid(number):  # guards the country rules above
        raise AssertionError(f"generated an invalid IBAN: {number}")
    return str(iban.format(number)) if rng.random() < 0.6 else number


def fake_ip(rng: random.Random) -> str:
    """Return an IP address: mostly IPv4 (documentation, private or public), some IPv6."""
    roll = rng.random()
    if roll < 0.15:  # 2001:db8::/32 is the IPv6 documentation prefix
        low = rng.getrandbits(96) if rng.random() < 0.5 else rng.getrandbits(16)
        return str(ipaddress.IPv6Address((0x20010DB8 << 96) | low))
    if roll < 0.2:
        return str(ipaddress.IPv6Address((0xFE80 << 112) | rng.getrandbits(64)))
    prefix = rng.choice(("192.0.2", "198.51.100", "203.0.113", "10.0", "192.168", "random"))
    if prefix == "random":
        return str(ipaddress.IPv4Address(rng.randint(0x01000000, 0xDFFFFFFF)))
    tail = [str(rng.randint(0, 255)) for _ in range(4 - prefix.count(".") - 1)]
    return ".".join([prefix, *tail])
