"""Reading a JSON request body strictly, and the Idempotency-Key's shape."""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

__all__ = ["IDEMPOTENCY_KEY", "is_json", "parse_json", "read_json"]

# Printable ASCII without spaces, at most 200 characters (the store's column width).
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")


def read_json(what: str = "the body") -> Any:
    """The request's JSON body: 415 unless JSON, 400 unless valid UTF-8 JSON."""
    if not is_json(request.mimetype):
        raise UnsupportedMediaType(f"send {what} as 'Content-Type: application/json'")
    return parse_json(request.get_data(cache=False))


def is_json(mimetype: str) -> bool:
    """Whether a media type is JSON (``application/json`` or ``application/*+json``)."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def parse_json(raw: bytes) -> Any:
    """UTF-8 JSON with unique keys and no NaN or Infinity; BadRequest (400) otherwise."""
    # Decoded here, strictly: json.loads(bytes) would also take UTF-16 and UTF-32.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not UTF-8") from None
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique)
    except _DuplicateKey as exc:
        raise BadRequest(str(exc)) from None
    except (ValueError, RecursionError):  # a UTF-8 BOM is a ValueError too
        raise BadRequest("the request body is not valid JSON") from None


class _DuplicateKey(ValueError):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose member names are unique (RFC 8259 says they SHOULD be; we insist)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _DuplicateKey("the request body repeats a member name in one object")
    return found


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")
