"""In-process benchmark: one ticket through both models, attributions and wording.

    python -m bench.explain [--quick] [--models DIR] [--out docs/benchmarks.md]

Ours (``Decider.explain`` on a redacted ticket: both models, exact attributions,
grouping, wording and the verified counterfactual; ``Decider.decide`` adds redaction)
against, in the same run: shap's Partition text explainer, shap.LinearExplainer called the usual
way, LIME text and KernelExplainer on the intent model. Every figure in the report
is a ratio against a baseline measured in this run. ``--quick`` runs tiny sizes for
CI and asserts nothing about timing.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench import baselines, batch, common
from bench.report import markdown, table
from explainer.explain.attribution import explain_row
from explainer.explain.decide import Decider, RedactedTicket
from explainer.explain.grouping import Layout, group_attributions
from explainer.model.text import join_fields
from explainer.schemas import TicketIn
from explainer.store.ledger.log import Leaf
from explainer.store.ledger.signer import Signer
from explainer.training.datasets import demo_data

TARGET_MS = 1.0


@dataclass(frozen=True)
class Sizes:
    ours: int
    partition: int
    linear: int
    lime: int
    lime_samples: int
    kernel: int
    kernel_samples: int | str
    batch: int
    train_rows: int


FULL = Sizes(300, 100, 300, 30, 5_000, 4, "auto", 1_000, 6_000)
QUICK = Sizes(30, 5, 10, 2, 500, 1, 200, 100, 2_000)


def _log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


def _case(decider: Decider, ticket: TicketIn) -> baselines.Case:
    red = RedactedTicket.of(ticket)
    text, model = join_fields(red.subject, red.body), decider.models["intent"]
    row = model.row(text, red.fields)
    attr = explain_row(model, row)
    layout = Layout.of(row.tokens, text, len(red.subject))
    groups = group_attributions(model, row, attr, layout, red.fields)
    top = max((g for g in groups if g.kind == "text"), key=lambda g: g.value, default=None)
    words = frozenset(top.feature[5:].split()) if top is not None and top.value > 0 else frozenset()
    return baselines.Case(text, len(red.subject), red.fields, attr.label, attr.contrast, words)


def _attributions_only(decider: Decider, red: RedactedTicket) -> None:
    text = join_fields(red.subject, red.body)
    for model in decider.models.values():
        row = model.row(text, red.fields)
        attr = explain_row(model, row)
        layout = Layout.of(row.tokens, text, len(red.subject))
        group_attributions(model, row, attr, layout, red.fields)


# What the profile is read for: the steps of Decider.explain, by function name.
_STEPS = (
    ("counterfactual re-runs", "narrative.py", "counterfactual"),
    ("attributions, grouping and the JSON blocks (both models)", "decide.py", "_one"),
    ("featurizing (one text row shared by both models)", "featurizer.py", "row"),
    ("tokenizing", "text.py", "tokenize"),
    ("reasons", "narrative.py", "reasons"),
)


def _profile(decider: Decider, tickets: list[TicketIn], limit: int = 18) -> str:
    reds = [RedactedTicket.of(t) for t in tickets]
    prof = cProfile.Profile()
    prof.enable()
    for red in reds:
        decider.explain(red)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    # Cumulative time of our own functions shows which step of the path dominates.
    stats.sort_stats("cumulative").print_stats(r"explainer/")
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    table = "\n".join(lines[start : start + limit + 1]).replace(str(Path.cwd()) + "/", "")
    return f"{table}\n```\n\n{_blame(stats)}"


def _blame(stats: pstats.Stats) -> str:
    """Each step's share of Decider.explain's cumulative time in this profile."""
    cumulative: dict[tuple[str, str], float] = {}
    for (path, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        key = (Path(path).name, name)
        cumulative[key] = cumulative.get(key, 0.0) + row[3]
    total = cumulative.get(("decide.py", "explain"), 0.0)
    if total <= 0:
        return "(no Decider.explain calls were profiled)"
    parts = [
        f"{label} {100 * cumulative.get((file, name), 0.0) / total:.0f} %"
        for label, file, name in _STEPS
    ]
    return "Share of Decider.explain's time: " + "; ".join(parts) + "."


def _receipt_signer() -> Callable[[int], object]:
    """What storing a decision adds for its receipt: one Ed25519 signature and encoding."""
    key = Ed25519PrivateKey.generate()
    signer = Signer(key, Path(tempfile.mkdtemp(prefix="bench-log-")))
    log_id = "explainer.log/" + "0" * 32

    def sign(i: int) -> object:
        leaf = Leaf("decision", f"dec_{i:026d}", i, f"{i:064x}", "2026-11-30T12:00:00.000000Z")
        return signer.receipt(log_id, leaf)

    return sign


def run(sizes: Sizes, models_path: Path | None) -> dict[str, object]:
    """Measure everything; return the figures the report needs."""
    models, source = common.models(models_path, sizes.train_rows, _log)
    decider = Decider(models)
    n = max(2 * sizes.ours, sizes.batch, sizes.partition, sizes.linear) + 200
    _log(f"generating {n:,} held-out demo tickets")
    tickets = common.tickets(n)
    for t in tickets[:20]:  # warm caches (per-word char n-gram columns) like a live server
        decider.decide(t)
    reds = [RedactedTicket.of(t) for t in tickets[: sizes.ours]]
    _log(f"ours: Decider.explain and Decider.decide on {sizes.ours} tickets")
    ours, _ = common.timed(decider.explain, reds)
    decide, _ = common.timed(decider.decide, tickets[: sizes.ours])
    # Copied one by one, the models stop sharing text blocks: what sharing saves.
    separate = Decider({name: copy.deepcopy(m) for name, m in models.items()})
    for t in tickets[:20]:
        separate.decide(t)
    decide_separate, _ = common.timed(separate.decide, tickets[: sizes.ours])
    attr_only, _ = common.timed(lambda r: _attributions_only(decider, r), reds)
    receipt, _ = common.timed(_receipt_signer(), range(sizes.ours))
    # Unseen tickets: a new customer's name compiles new patterns, as in service.
    redaction, _ = common.timed(RedactedTicket.of, tickets[sizes.ours : 2 * sizes.ours])
    cases = [_case(decider, t) for t in tickets[: max(sizes.partition, sizes.linear)]]
    intent = models["intent"]
    train = demo_data(2_000, seed=common.BENCH_SEED + 1).frame
    _log(f"shap Partition on {sizes.partition} tickets")
    results = [baselines.partition(intent, cases[: sizes.partition])]
    _log(f"shap LinearExplainer on {sizes.linear} tickets")
    results.append(
        baselines.linear_usual(
            intent, cases[: sizes.linear], train[["text"]].sample(100, random_state=0)
        )
    )
    _log(f"LIME on {sizes.lime} tickets")
    results.append(baselines.lime_text(intent, cases[: sizes.lime], sizes.lime_samples))
    _log(f"KernelExplainer on {sizes.kernel} tickets")
    results.append(baselines.kernel(intent, cases[: sizes.kernel], sizes.kernel_samples))
    _log(f"batch: {sizes.batch:,} tickets through Decider.decide")
    start = time.perf_counter()
    for t in tickets[: sizes.batch]:
        decider.decide(t)
    batch_s = (time.perf_counter() - start) * 1_000 / sizes.batch
    reds_b = [RedactedTicket.of(t) for t in tickets[: sizes.batch]]
    texts = [join_fields(r.subject, r.body) for r in reds_b]
    fields = [r.fields for r in reds_b]
    _log(f"batch: exact intent attributions for {sizes.batch:,} tickets at once")
    start = time.perf_counter()
    _, _, errors = batch.margins(intent, texts, fields)
    vector_s = (time.perf_counter() - start) * 1_000 / sizes.batch
    vector_diff = batch.check(intent, texts[:50], fields[:50])
    fresh = tickets[-200:]  # not decided yet in this run
    profile = _profile(decider, fresh) if ours.median_ms > TARGET_MS else ""
    return {
        "models": source,
        "ours": ours,
        "decide": decide,
        "decide_separate": decide_separate,
        "attr_only": attr_only,
        "receipt": receipt,
        "redaction": redaction,
        "cases": cases,
        "results": results,
        "batch_ours_s": batch_s,
        "batch_n": sizes.batch,
        "vector_s": vector_s,
        "vector_additivity": float(abs(errors).max()),
        "vector_diff": vector_diff,
        "profile": profile,
        "target_ms": TARGET_MS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.explain", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes for CI (< 60 s)")
    parser.add_argument("--models", type=Path, default=None, help="models folder (default models/)")
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown report here")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    started = datetime.now(UTC)
    figures = run(sizes, args.models)
    info = common.machine()
    command = "python -m bench.explain" + (" --quick" if args.quick else "")
    print(table(figures))
    out = args.out or (None if args.quick else Path("docs/benchmarks.md"))
    if out is not None:
        out.write_text(markdown(figures, info, command, started, sizes.__dict__), "utf-8")
        _log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
