#!/usr/bin/env python3
"""Write the Python client's typed models from the service's OpenAPI document.

    python tools/client_models.py          # rewrite client/explainer_client/models.py
    python tools/client_models.py --check  # exit 1 when that file is out of date

The models are generated (datamodel-code-generator, then ruff format), never edited by
hand, so the client and the service cannot drift apart: a test runs ``--check``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "client" / "explainer_client" / "models.py"
BIN = Path(sys.executable).parent
HEADER = (
    '"""The API\'s request and answer types, generated from the service\'s OpenAPI document.\n\n'
    "Do not edit: run ``python tools/client_models.py`` after changing the service's schemas.\n"
    '"""'
)


def generate() -> str:
    """The models module for the current OpenAPI document."""
    from explainer.web.api.openapi import build_document

    document = build_document()
    # "Subject or body has text" is an anyOf the generator would split into two ticket
    # classes; the client keeps one TicketIn and leaves that rule to the service (422).
    document["components"]["schemas"]["TicketIn"].pop("anyOf", None)
    with tempfile.TemporaryDirectory() as tmp:
        spec, out = Path(tmp) / "openapi.json", Path(tmp) / "models.py"
        spec.write_text(json.dumps(document, indent=1, sort_keys=True), "utf-8")
        subprocess.run(  # noqa: S603 - our own venv's tools on our own files
            [
                str(BIN / "datamodel-codegen"),
                "--input", str(spec),
                "--input-file-type", "openapi",
                "--output", str(out),
                "--output-model-type", "pydantic_v2.BaseModel",
                "--target-python-version", "3.11",
                "--use-standard-collections",
                "--use-union-operator",
                "--use-annotated",
                "--field-constraints",
                "--extra-fields", "ignore",
                "--collapse-root-models",
                "--set-default-enum-member",
                "--disable-timestamp",
                "--formatters", "builtin",
                "--custom-file-header", HEADER,
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        for fix in (["check", "--fix-only", "--quiet"], ["format", "--quiet"]):
            subprocess.run([str(BIN / "ruff"), *fix, str(out)], check=True, cwd=ROOT)  # noqa: S603
        return out.read_text("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args(argv)
    made = generate()
    if args.check:
        current = TARGET.read_text("utf-8") if TARGET.exists() else ""
        if current != made:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python tools/client_models.py")
            return 1
        print(f"{TARGET.relative_to(ROOT)} is current")
        return 0
    TARGET.write_text(made, "utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
