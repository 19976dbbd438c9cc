"""Literal values in text: the customer's own name and e-mail, exact and folded.

Matched by plain string search on word boundaries (every ticket brings a new customer,
and compiling a pattern for each cost more than the rest of redaction together); a
second, slower pass compares after NFKC, case folding and accent folding.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

__all__ = ["NAME_MIN_LENGTH", "Stage", "folded_name_stage", "literal_stage", "name_variants"]

# A stage rewrites one stretch of text that holds no placeholder: (new text, count).
Stage = Callable[[str], tuple[str, int]]
NAME_MIN_LENGTH = 3


def literal_stage(values: tuple[str, ...], placeholder: str) -> Stage:
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


def name_variants(name: str) -> tuple[str, ...]:
    """The full name, its parts (also hyphen parts) of at least three letters, and the
    parts written together ("JaneRoe")."""
    parts = name.split()
    pieces = parts + [p for part in parts if "-" in part for p in part.split("-")]
    variants = {" ".join(parts), *pieces}
    if len(parts) > 1:
        variants.add("".join(parts))
    return tuple(v for v in variants if len(v) >= NAME_MIN_LENGTH)


def _fold(text: str) -> tuple[str, list[int]]:
    """NFKC, case and accent folding, with the original index of each folded character."""
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", c).casefold())
        for f in folded:
            if not unicodedata.combining(f):
                out.append(f)
                where.append(i)
    return "".join(out), where


def folded_name_stage(values: tuple[str, ...], placeholder: str) -> Stage:
    """Names written with other accents, cases or widths ("JANÉ", "Ｊａｎｅ", "janeroe").

    The exact stage runs first; this one only sees text where it found nothing, so the
    folding (slower, character by character) runs on few texts.
    """
    wanted = [_fold(v)[0].split() for v in sorted(values, key=len, reverse=True)]
    wanted = [w for w in wanted if w]
    firsts = {w[0] for w in wanted}

    def stage(text: str) -> tuple[str, int]:
        if text.isascii() and not any(f in text.lower() for f in firsts):
            return text, 0
        folded, where = _fold(text)
        if not any(f in folded for f in firsts):
            return text, 0
        pieces: list[str] = []
        done = count = 0
        for start, end in _literal_spans(folded, wanted):
            first, last = where[start], where[end - 1] + 1
            if first < done:
                continue
            pieces += [text[done:first], placeholder]
            done, count = last, count + 1
        return "".join([*pieces, text[done:]]), count

    return stage
