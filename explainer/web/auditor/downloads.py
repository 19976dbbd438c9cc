"""CSV and JSON downloads from the console: streamed, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from flask import Response, stream_with_context

__all__ = ["cell", "csv_download", "json_download"]

_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet formula starters
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c|\x1c|\x1d|\x1e|\x85")


def cell(value: Any) -> Any:
    """A CSV cell: empty for None; text on one line (each line break becomes a space, as
    the tokenizer reads it anyway), with a leading quote before a formula starter.

    Quoting alone is not enough: readers that split lines first (and spreadsheets
    importing "text") would start a row, and a formula, inside a cell.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        value = _LINE_BREAK.sub(" ", value)
        if value.startswith(_FORMULA):
            return "'" + value  # a spreadsheet must not run a label or a comment as a formula
    return value


def _csv_lines(columns: Iterable[str], rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    columns = list(columns)
    buffer = io.StringIO()
    # Every text cell quoted (numbers stay numbers), rows ended by CRLF (RFC 4180).
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _json_lines(key: str, rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    yield '{"' + key + '": ['
    for i, row in enumerate(rows):
        yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"


def _download(body: Iterator[str], name: str, mimetype: str) -> Response:
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def csv_download(name: str, columns: Iterable[str], rows: Iterable[Mapping[str, Any]]) -> Response:
    """``rows`` streamed as a CSV attachment with a header row."""
    return _download(_csv_lines(columns, rows), name, "text/csv")


def json_download(name: str, key: str, rows: Iterable[Mapping[str, Any]]) -> Response:
    """``rows`` streamed as ``{key: [...]}``, a JSON attachment."""
    return _download(_json_lines(key, rows), name, "application/json")
