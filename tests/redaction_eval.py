"""A labelled evaluation set for redaction: hard formats in five languages.

Deterministic (one seeded generator). Each case is a sentence in en, de, fr, es or pt
holding one personal value of a known kind, written the way people write it: phone
numbers in national and international formats with spaces, dots, dashes and brackets;
cards with any separator; IBANs of SEPA countries with any separator; e-mail addresses
plain, with quoted local parts and spelled out; the customer's own name whole, by part,
written together, with other accents, in capitals and in fullwidth letters.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from dataclasses import dataclass

import phonenumbers
from stdnum import luhn, numdb

__all__ = ["Case", "cases"]

LANGUAGES = ("en", "de", "fr", "es", "pt")
TEMPLATES = {
    "en": ["Please call me back on {v} today.", "You can reach me at {v}.", "My details: {v}"],
    "de": ["Bitte rufen Sie mich unter {v} zurück.", "Sie erreichen mich unter {v}.",
           "Meine Angaben: {v}"],
    "fr": ["Merci de me rappeler au {v} aujourd'hui.", "Vous pouvez me joindre au {v}.",
           "Mes coordonnées : {v}"],
    "es": ["Por favor, llámeme al {v} hoy.", "Puede contactarme en {v}.", "Mis datos: {v}"],
    "pt": ["Por favor, ligue-me para {v} hoje.", "Pode contactar-me em {v}.",
           "Os meus dados: {v}"],
}  # fmt: skip
REGIONS = {
    "en": ("US", "GB", "IE"),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE"),
    "es": ("ES",),
    "pt": ("PT", "BR"),
}
SEPA = ("AT", "BE", "DE", "ES", "FI", "FR", "IE", "IT", "LU", "NL", "PT", "SE", "DK", "PL", "CH")
NAMES = {
    "en": ["Jane Roe", "Siobhan O'Neill", "Mary-Ann Cole"],
    "de": ["Jürgen Müller", "Anna-Lena Schäfer", "Björn Weiß"],
    "fr": ["Élodie Lefèvre", "François Dubois", "Anaïs Girard"],
    "es": ["José Martínez", "Iñaki Ibáñez", "Lucía Gómez"],
    "pt": ["João Gonçalves", "Conceição Araújo", "Inês Simões"],
}
KINDS = ("phone", "card", "iban", "email", "name")


@dataclass(frozen=True)
class Case:
    """One labelled string: its language, kind, the value, and the name given (if any)."""

    language: str
    kind: str
    text: str
    value: str
    name: str | None = None


def cases(per_kind_and_language: int = 18, seed: int = 20261130) -> list[Case]:
    """The evaluation set: per language and kind, ``per_kind_and_language`` strings."""
    rng = random.Random(seed)
    out: list[Case] = []
    for language in LANGUAGES:
        for kind in KINDS:
            for i in range(per_kind_and_language):
                template = TEMPLATES[language][i % len(TEMPLATES[language])]
                name = rng.choice(NAMES[language]) if kind == "name" else None
                value = _VALUE[kind](rng, language, i, name)
                out.append(Case(language, kind, template.format(v=value), value, name))
    return out


def _phone(rng: random.Random, language: str, i: int, _name: str | None) -> str:
    region = REGIONS[language][i % len(REGIONS[language])]
    kind = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)[i % 2]
    example = phonenumbers.example_number_for_type(region, kind)
    number = example
    for _ in range(50):  # vary the last digits while the number stays valid
        digits = str(example.national_number)
        candidate = digits[:-3] + f"{rng.randrange(1000):03d}"
        parsed = phonenumbers.parse(candidate, region)
        if phonenumbers.is_valid_number(parsed):
            number = parsed
            break
    fmt = i % 5
    if fmt == 0:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if fmt == 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if fmt == 2:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if fmt == 3:  # dots instead of spaces, as the French write
        return re.sub(r"[\s-]+", ".", national.replace("(", "").replace(")", ""))
    # 00 for +, as many Europeans dial
    intl = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return "00" + intl[1:]


def _card(rng: random.Random, _language: str, i: int, _name: str | None) -> str:
    prefix, length = [("4", 16), ("51", 16), ("37", 15), ("6011", 16)][i % 4]
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    digits = body + luhn.calc_check_digit(body)
    sep = [" ", "-", ".", ""][i % 4 if length == 16 else 0]
    if length == 15:
        return f"{digits[:4]} {digits[4:10]} {digits[10:]}"
    return sep.join(digits[k : k + 4] for k in range(0, 16, 4))


def _iban(rng: random.Random, _language: str, i: int, _name: str | None) -> str:
    country = SEPA[i % len(SEPA)]
    fields = _BBAN[country]
    bban = "".join(_chars(rng, n, t) for n, t in fields)
    check = 98 - int(_numeric(bban + country + "00")) % 97
    compact = f"{country}{check:02d}{bban}"
    sep = [" ", "-", ".", ""][i % 4]
    grouped = sep.join(compact[k : k + 4] for k in range(0, len(compact), 4))
    return grouped.lower() if i % 7 == 6 else grouped


def _email(rng: random.Random, language: str, i: int, _name: str | None) -> str:
    user = rng.choice(["jane.roe", "j_mueller", "anna+support", "l.gomez84", "joao.simoes"])
    domain = rng.choice(["example.org", "mail.example.de", "example.co.uk", "post.example.pt"])
    form = i % 6
    if form == 0:
        return f"{user}@{domain}"
    if form == 1:
        return f'"{user.replace(".", " ")}"@{domain}'
    host, _, tld = domain.rpartition(".")
    if form == 2:
        return f"{user} at {host.replace('.', ' dot ')} dot {tld}"
    if form == 3:
        return f"{user} (at) {domain}"
    if form == 4:
        return f"{user} [at] {host} [dot] {tld}"
    return f"{user.upper()}@{domain.upper()}"


def _name(_rng: random.Random, _language: str, i: int, name: str | None) -> str:
    assert name is not None
    parts = name.split()
    form = i % 6
    if form == 0:
        return name
    if form == 1:
        return parts[-1]
    if form == 2:
        return "".join(parts)
    if form == 3:  # accents dropped, as on a keyboard without them
        stripped = unicodedata.normalize("NFKD", name)
        return "".join(c for c in stripped if not unicodedata.combining(c))
    if form == 4:
        return name.upper()
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)  # fullwidth


_VALUE = {"phone": _phone, "card": _card, "iban": _iban, "email": _email, "name": _name}


def _bban_fields() -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for _, low, high, props, _children in numdb.get("iban").prefixes:
        if low == high and "bban" in props:
            out[low] = [(int(n), t) for n, t in re.findall(r"(\d+)!([nac])", props["bban"])]
    return out


_BBAN = _bban_fields()


def _chars(rng: random.Random, count: int, kind: str) -> str:
    pool = {"n": string.digits, "a": string.ascii_uppercase}.get(
        kind, string.digits + string.ascii_uppercase
    )
    return "".join(rng.choice(pool) for _ in range(count))


def _numeric(text: str) -> str:
    return "".join(str(int(c, 36)) for c in text)
