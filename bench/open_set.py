"""Abstention on unknown intents: banking77 with a fixed quarter of its intents held out.

    python -m bench.open_set [--out docs/benchmarks.md]

The open-set protocol: 25 % of banking77's 77 intents (chosen with a fixed seed) are
removed from the training file, a model is trained through the project's own training
code (so it is calibrated and gets its abstention threshold from its own held-out
tickets), and ``explainer evaluate`` scores the whole test file, whose removed intents
the model has never seen. Reported: AUROC of the calibrated top-class probability for
known against unknown intents, the share of unknown and of known tickets abstained, the
accuracy on known intents, and the calibration of the same model on them.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from explainer.training import train as trainer
from explainer.training.datasets import ColumnMap, read_csv_data
from explainer.training.evaluation import evaluate_csv

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "banking77"
UNKNOWN_SHARE = 0.25
SEED = 77


def _log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


def unknown_intents(labels: list[str], share: float = UNKNOWN_SHARE, seed: int = SEED) -> set[str]:
    """The intents left out of training: a fixed, seeded quarter."""
    ordered = sorted(set(labels))
    return set(random.Random(seed).sample(ordered, round(share * len(ordered))))


def run(work: Path, data: Path = DATA) -> dict[str, Any]:
    """Train without the unknown intents and evaluate on the whole test file."""
    with (data / "train.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    unknown = unknown_intents([r["category"] for r in rows])
    known_rows = [r for r in rows if r["category"] not in unknown]
    train = work / "train_known.csv"
    with train.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["text", "category"])
        writer.writeheader()
        writer.writerows({"text": r["text"], "category": r["category"]} for r in known_rows)
    cols = ColumnMap(["text"], "category")
    _log(f"training on {len(known_rows):,} rows of {77 - len(unknown)} intents")
    fitted = trainer.fit_all(
        read_csv_data(train, cols), {"intent": trainer.spec_for_columns([], False)}, {}, _log
    )
    trainer.write_all(fitted, work / "models", _log)
    report = evaluate_csv(data / "test.csv", cols, work / "models", _log)["intent"]
    card = fitted[0].card
    return {
        "unknown_intents": len(unknown),
        "known_intents": 77 - len(unknown),
        "seed": SEED,
        "accuracy_known": report["accuracy"],
        "calibration": report["calibration"],
        "card_calibration": card.get("calibration"),
        "abstention": card.get("abstention"),
        "open_set": report["open_set"],
    }


def markdown(result: dict[str, Any]) -> str:
    """The report section."""
    o, c = result["open_set"], result["calibration"]
    return "\n".join(
        [
            "## Abstention on unknown intents (open set, banking77)",
            "",
            f"`python -m bench.open_set`: {result['unknown_intents']} of 77 intents "
            f"(seed {result['seed']}) left out of training; the whole test file scored.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| AUROC, calibrated top-class probability, known vs unknown | {o['auroc']:.3f} |",
            f"| unknown-intent tickets abstained | {100 * o['abstained_unknown']:.1f} % |",
            f"| known-intent tickets abstained | {100 * o['abstained_known']:.1f} % |",
            f"| threshold (set on held-out training tickets, target 5 %) | {o['threshold']:.3f} |",
            f"| accuracy on known intents | {result['accuracy_known']:.3f} |",
            f"| ECE on known intents (15 bins), Brier | {c['ece']:.4f}, {c['brier']:.4f} |",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.open_set", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=None, help="append the report to this file")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (DATA / "train.csv").exists():
        _log(f"open-set bench skipped: {DATA} is absent (the shared evaluation data)")
        return 0
    _log(f"using the shared banking77 data set (CC-BY-4.0) at {DATA}")
    with tempfile.TemporaryDirectory() as work:
        result = run(Path(work))
    text = json.dumps(result, indent=2) if args.json else markdown(result)
    print(text)
    if args.out is not None:
        with args.out.open("a", encoding="utf-8") as f:
            f.write("\n" + markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
