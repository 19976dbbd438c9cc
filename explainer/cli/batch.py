"""``explainer batch``: decide and store a CSV of tickets, one row at a time.

Each row goes the way an item of ``POST /api/v1/decisions:batch`` goes: validated as a
ticket, decided, explained and stored in its own transaction under its own
idempotency key. The keys come from the file's content and the row number, so running
the same file again (after a crash, say) stores nothing twice: stored rows replay.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from explainer.cli.context import serviced
from explainer.errors import ExplainerError
from explainer.schemas import TicketIn

__all__ = ["COLUMNS", "register", "ticket_json"]

# CSV column -> where it goes in the ticket (SPEC section 1's fields, flattened).
COLUMNS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("ticket_id",),
    "subject": ("subject",),
    "body": ("body",),
    "channel": ("channel",),
    "language": ("language",),
    "customer_id": ("customer", "id"),
    "customer_name": ("customer", "name"),
    "customer_email": ("customer", "email"),
    "plan": ("customer", "plan"),
    "region": ("customer", "region"),
    "account_age_days": ("customer", "account_age_days"),
    "open_tickets": ("customer", "open_tickets"),
}
_WHOLE_NUMBERS = {"account_age_days", "open_tickets"}
_SHOWN_PROBLEMS = 20


def register(group: click.Group) -> None:
    """Add ``batch`` to ``group``."""
    group.add_command(batch_command)


def ticket_json(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as the API's ticket JSON (empty cells left out, so defaults apply)."""
    ticket: dict[str, Any] = {}
    for column, value in row.items():
        if column not in COLUMNS or value == "":
            continue
        place = ticket
        *parents, leaf = COLUMNS[column]
        for step in parents:
            place = place.setdefault(step, {})
        whole = column in _WHOLE_NUMBERS and value.isascii() and value.isdigit()
        place[leaf] = int(value) if whole else value  # anything else fails validation
    return ticket


@click.command("batch")
@click.option(
    "--data",
    required=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help=f"UTF-8 CSV with a header; columns: {', '.join(COLUMNS)}.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write one JSON line per data row: row, status, id, why link or problem.",
)
def batch_command(data: Path, out: Path | None) -> None:
    """Decide and store every row of a CSV of tickets (safe to run again)."""
    raw = data.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        click.echo(f"error: {data} is not UTF-8", err=True)
        sys.exit(2)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    unknown = sorted(set(reader.fieldnames or ()) - set(COLUMNS))
    if not reader.fieldnames or unknown:
        what = f"unknown column(s) {', '.join(unknown)}" if unknown else "no header row"
        click.echo(f"error: {data}: {what}; columns are {', '.join(COLUMNS)}", err=True)
        sys.exit(2)
    rows = list(reader)
    prefix = f"batch-{hashlib.sha256(raw).hexdigest()[:16]}"
    counts: Counter[str] = Counter()
    problems: list[str] = []
    with ExitStack() as stack:
        service = stack.enter_context(serviced(models=True, upgrade=True))
        results = stack.enter_context(out.open("w", encoding="utf-8")) if out else None
        bar = stack.enter_context(
            click.progressbar(
                enumerate(rows, start=1),
                length=len(rows),
                label=f"deciding {len(rows)} tickets",
                file=sys.stderr,
                show_pos=True,
            )
        )
        for number, row in bar:
            result = {"row": number, **_one(service, row, f"{prefix}-{number}")}
            counts[result["outcome"]] += 1
            if result["outcome"] == "invalid":
                problems.append(f"row {number}: {result['problem']}")
            if results is not None:
                results.write(json.dumps(result, ensure_ascii=False) + "\n")
    for problem in problems[:_SHOWN_PROBLEMS]:
        click.echo(problem, err=True)
    if len(problems) > _SHOWN_PROBLEMS:
        click.echo(f"... and {len(problems) - _SHOWN_PROBLEMS} more (see --out)", err=True)
    click.echo(
        f"stored {_count(counts['stored'], 'new decision')}, replayed "
        f"{counts['replayed']} stored before, {_count(counts['invalid'], 'invalid row')}"
        + (f"; results in {out}" if out else "")
    )
    if problems:
        sys.exit(1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _one(service: Any, row: dict[str, str], key: str) -> dict[str, Any]:
    try:
        ticket = TicketIn.model_validate(ticket_json(row))
        decision, created = service.create(ticket, idempotency_key=key, api_key_id=None)
    except ValidationError as exc:
        return {"outcome": "invalid", "status": 422, "problem": _message(exc)}
    except ExplainerError as exc:
        return {"outcome": "invalid", "status": exc.status, "problem": exc.detail}
    links = decision.links.why if decision.links else None
    outcome = "stored" if created else "replayed"
    return {"outcome": outcome, "status": 201 if created else 200, "id": decision.id, "why": links}


def _message(exc: ValidationError) -> str:
    # Field paths and messages only: the rejected value may be personal data.
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'ticket'}: {e['msg']}"
        for e in exc.errors(include_url=False, include_input=False)
    )
