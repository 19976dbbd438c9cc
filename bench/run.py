"""Every benchmark in one command: in-process first, then over HTTP.

    python -m bench.run [--quick] [--out FILE]

``make bench`` rewrites docs/benchmarks.md: the in-process report
(``bench.explain``), then the wording, open-set, shadow (``bench.shadow``, stores of
100,000 and 300,000 decisions) and HTTP (``bench.http``) sections appended to it.
``make bench-quick`` runs tiny sizes for CI, prints both tables and writes nothing
unless ``--out`` is given; it asserts nothing about timings.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import explain, http, open_set, shadow, wording

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes for CI")
    parser.add_argument("--out", type=Path, default=None, help="report file (full: docs/)")
    args = parser.parse_args(argv)
    out = args.out or (None if args.quick else DOCS)
    started = time.monotonic()
    flags = ["--quick"] if args.quick else []
    where = ["--out", str(out)] if out is not None else []
    status = explain.main([*flags, *where])
    status |= wording.main([*flags, *where])
    if not args.quick:  # trains a banking77 model: the slow test stage covers it instead
        status |= open_set.main(where)
        status |= shadow.main(where)  # its quick mode runs in the slow test stage
    status |= http.main([*flags, *where])
    print(f"bench: done in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
