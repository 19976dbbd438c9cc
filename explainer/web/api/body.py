"""Reading a JSON request body strictly, and the Idempotency-Key's shape."""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

__all__ = ["IDEMPOTENCY_KEY", "is_json", "read_json"]

# Printable ASCII without spaces, at most 200 characters (the store's column width).
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")


def read_json(what: str = "the body") -> Any:
    """The request's JSON body: 415 unless JSON, 400 unless valid UTF-8 JSON."""
    if not is_json(request.mimetype):
        raise UnsupportedMediaType(f"send {what} as 'Content-Type: application/json'")
    return _parse_json(request.get_data(cache=False))


def is_json(mimetype: str) -> bool:
    """Whether a media type is JSON (``application/json`` or ``application/*+json``)."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def _parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadRequest("the request body is not valid UTF-8 JSON") from None


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")
