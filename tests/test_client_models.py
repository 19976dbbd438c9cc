"""The client's models are what the service's OpenAPI document says they are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_client_models_are_generated_from_the_current_openapi_document() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "client_models.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_client_reads_what_the_service_writes(decider: object) -> None:
    from explainer_client import Decision as ClientDecision

    from explainer.schemas import TicketIn

    made = decider.decide(TicketIn.model_validate({"subject": "Refund", "body": "charged twice"}))  # type: ignore[attr-defined]
    read = ClientDecision.model_validate(made.wire())
    assert read.intent is not None and read.intent.label == made.intent.label
    assert read.customer.summary == made.customer.summary
