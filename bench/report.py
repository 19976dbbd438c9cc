"""The bench's table (stdout) and Markdown report (docs/benchmarks.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bench.baselines import Case, Result
from bench.common import Timing


def _agreement(result: Result, cases: list[Case]) -> tuple[int, int]:
    pairs = [(t, c.our_top) for t, c in zip(result.top, cases, strict=False) if t and c.our_top]
    return sum(bool(set(t.split()) & ours) for t, ours in pairs), len(pairs)


def _rows(f: dict[str, Any]) -> list[list[str]]:
    ours: Timing = f["ours"]
    rows = [
        [
            "ours: Decider.explain (both models, wording, counterfactual)",
            "log-odds margin",
            str(len(ours.seconds)),
            f"{ours.median_ms:.3f}",
            f"{ours.p95_ms:.3f}",
            "1",
            "(exact)",
        ],
    ]
    for label, t in (
        ("ours: Decider.decide (redaction + Decider.explain)", f["decide"]),
        (
            "ours: Decider.decide, text featurized per model (no shared blocks)",
            f["decide_separate"],
        ),
        ("ours: attributions + grouping only (both models)", f["attr_only"]),
        ("ours: redaction only", f["redaction"]),
        ("ours: the log receipt of a stored decision (Ed25519)", f["receipt"]),
    ):
        rows.append(
            [
                label,
                "",
                str(len(t.seconds)),
                f"{t.median_ms:.3f}",
                f"{t.p95_ms:.3f}",
                f"{t.median_ms / ours.median_ms:.2f}",
                "",
            ]
        )
    for r in f["results"]:
        agree, n = _agreement(r, f["cases"])
        name = f"{r.name} ({r.settings})" if r.settings else r.name
        rows.append(
            [
                name,
                r.explains,
                str(len(r.timing.seconds)),
                f"{r.timing.median_ms:.2f}",
                f"{r.timing.p95_ms:.2f}",
                f"{r.timing.median_ms / ours.median_ms:,.0f}",
                f"{agree}/{n} ({100 * agree / max(n, 1):.0f} %)",
            ]
        )
    return rows


HEAD = [
    "method",
    "explains",
    "tickets",
    "median ms",
    "p95 ms",
    "x ours (median)",
    "top reason agrees",
]


def _batch(f: dict[str, Any]) -> tuple[float, float, float, float]:
    """Seconds per 1,000: ours (decisions), ours (vectorised intent attributions), Partition."""
    partition = next(r for r in f["results"] if r.name.startswith("shap Partition"))
    theirs = partition.timing.mean_ms  # ms per ticket = s per 1,000 tickets
    return f["batch_ours_s"], f["vector_s"], theirs, theirs / f["vector_s"]


def ok(met: bool) -> str:
    """How a target reads in the report."""
    return "met" if met else "MISSED"


def _by_how_much(measured: float, target: float) -> str:
    """How far over a time target a measurement is, or nothing when it is met."""
    if measured <= target:
        return ""
    return f" by {measured - target:.3f} ms ({measured / target:.1f}x the target)"


def _verdicts(f: dict[str, Any]) -> list[str]:
    ours: Timing = f["ours"]
    partition = next(r for r in f["results"] if r.name.startswith("shap Partition"))
    per_ticket = partition.timing.median_ms / ours.median_ms
    _, _, _, batch = _batch(f)
    receipt_share = f["receipt"].median_ms / f["decide"].median_ms
    return [
        f"ours (Decider.explain) median {ours.median_ms:.3f} ms "
        f"(target <= {f['target_ms']:.0f} ms): {ok(ours.median_ms <= f['target_ms'])}"
        f"{_by_how_much(ours.median_ms, f['target_ms'])}; "
        f"with redaction (Decider.decide) {f['decide'].median_ms:.3f} ms; sharing the text "
        f"blocks between the models saves "
        f"{1 - f['decide'].median_ms / f['decide_separate'].median_ms:.0%} of it",
        f"a receipt costs {receipt_share:.1%} of Decider.decide (target <= 15%): "
        f"{ok(receipt_share <= 0.15)}",
        f"per ticket {per_ticket:,.0f}x faster than Partition (target >= 50x): "
        f"{ok(per_ticket >= 50)}",
        f"per 1,000 tickets (exact intent attributions, batched) {batch:,.0f}x faster than "
        "Partition (target >= 1000x): "
        f"{ok(batch >= 1000)}",
    ]


def _batch_lines(f: dict[str, Any]) -> list[str]:
    ours_s, vector_s, theirs_s, _ = _batch(f)
    return [
        f"per 1,000 tickets (measured on {f['batch_n']:,}, scaled): shap Partition "
        f"{theirs_s:,.1f} s (its mean per ticket x 1,000, intent model only)",
        f"  ours, full decisions one at a time (both models, wording, counterfactual): "
        f"{ours_s:.2f} s -> {theirs_s / ours_s:,.0f}x",
        f"  ours, exact intent attributions batched (featurize + one sparse product): "
        f"{vector_s:.3f} s -> {theirs_s / vector_s:,.0f}x "
        f"(max |additivity error| {f['vector_additivity']:.1e}, "
        f"max diff to explain_row {f['vector_diff']:.1e})",
    ]


def table(f: dict[str, Any]) -> str:
    """A plain-text table for the terminal."""
    rows = [HEAD, *_rows(f)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEAD))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += ["", *_batch_lines(f), *_verdicts(f)]
    return "\n".join(lines)


def markdown(
    f: dict[str, Any], info: dict[str, str], command: str, started: datetime, sizes: dict[str, Any]
) -> str:
    """The whole docs/benchmarks.md."""
    md = [" | ".join(HEAD), " | ".join("---" for _ in HEAD)]
    md += [" | ".join(r) for r in _rows(f)]
    profile = (
        "\n## Where the time goes (cProfile, 200 new decisions, cumulative)\n\n"
        "The 1 ms target was missed in this run, so the bench profiled it:\n\n"
        f"```\n{f['profile']}\n"
        if f["profile"]
        else ""
    )
    return TEMPLATE.format(
        date=started.strftime("%Y-%m-%d %H:%M UTC"),
        command=command,
        models=f["models"],
        machine="\n".join(f"- {k}: {v}" for k, v in info.items()),
        sizes=", ".join(f"{k}={v}" for k, v in sizes.items()),
        table="| " + " |\n| ".join(md) + " |",
        batch="\n".join(f"- {ln.strip()}" for ln in _batch_lines(f)),
        verdicts="\n".join(f"- {v}" for v in _verdicts(f)),
        profile=profile,
    )


TEMPLATE = """# Benchmarks: explaining one ticket

Written by `{command}` on {date}; re-run it to refresh this file (`--quick` for CI
prints the table and writes nothing). Every figure below was measured in **the same
run**, so compare ratios, not absolute times: run-to-run noise on a shared machine is
10-20 %.

## Machine
{machine}

Models: {models}. Sizes: {sizes}. Tickets are held-out demo tickets (phrasings the
models never saw, seed 4242), with planted personal data, so redaction does real work.

## One ticket

{table}

- **ours** is `Decider.explain` on a redacted ticket: both models (intent and priority),
  exact attributions of the label-vs-runner-up log-odds margin, grouping onto words, the
  customer wording and the counterfactual (which re-runs the models on the edited message
  up to six times). The baselines get the same redacted text, explain the **intent model
  only**, and word nothing, so the ratios understate the gap. `Decider.decide` is the
  whole serving path on a `TicketIn`: redaction (its own row) and then `explain`.
- **x ours** is the baseline's median divided by ours.
- The perturbation baselines cost what their model evaluations cost: Partition evaluates
  up to 500 masked texts per ticket, LIME 5,000, KernelExplainer 2M+2048 for M words,
  and this pipeline's TF-IDF word and character n-grams cost about 0.6 ms per text in
  scikit-learn (4.5 ms for a one-row DataFrame). They are slower here than on a
  word-n-gram-only model for that reason, not because they were called badly.
- **top reason agrees**: the baseline's top word for the predicted intent is one of the
  words of our top positive reason (for LinearExplainer its values are summed onto words
  with our own grouping rule first). The baselines explain other quantities (probability,
  or one class's logit against a 100-row background mean), so disagreement is expected and
  is not an error in either; ours is exact for the quantity it names
  (see `tests/test_attribution.py`: equal to shap.LinearExplainer's to 1e-9 when both use
  the same baseline).

## A batch of 1,000 tickets

{batch}

shap's figure is extrapolated from its mean per ticket in this run. Our batched figure
featurizes each redacted ticket with the serving featurizer, stacks the rows into one
sparse matrix and computes every label-vs-runner-up attribution with one sparse product
and one gather (`bench/batch.py`); it is checked against `explain_row` in the same run.
It has no grouping or wording, like Partition's output (token values).

## Targets
{verdicts}
{profile}"""
