"""Fairness report on the shared support-tickets set (evaluation data, not the project's).

    python -m bench.fairness_demo [--rows 1500] [--screenshot FILE.png] [--json]

Uses ``../shared/data/support_tickets/tickets.csv`` (CC-BY-NC-4.0, evaluation only;
never copied into the repository). A random ``--rows`` sample is held back; models
are trained on the rest (``queue`` as intent, ``priority`` as priority, subject +
body, the same code path as ``explainer train --data``); the held-back tickets are
then decided and stored through the service's decision path (``explainer seed``'s
code), spread over the last eight weeks. A random third of them get a simulated
review that records the data set's own labels (reviewer ``simulated-review``), so the
per-group accuracy has a sample to show. The language rows of the report are
printed; with ``--screenshot`` the report (and ``models.png`` beside it, the models
page) is opened in Chromium, signed in as an auditor, and saved.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from werkzeug.serving import make_server

from explainer.oversight.fairness import fairness_report
from explainer.oversight.report import FairnessReport
from explainer.service.seeding import SeedColumns, SeedResult, ticket_of, timestamps
from explainer.store.accounts import Accounts
from explainer.store.reports import fairness_rows
from explainer.store.resolutions import resolve
from explainer.training import train as trainer
from explainer.training.datasets import ColumnMap, read_csv_data
from explainer.web.app import build_app

__all__ = ["DATA", "Demo", "language_figures", "run"]

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "support_tickets" / "tickets.csv"
PASSWORD = "fairness demo password"
REVIEWED_SHARE = 1 / 3


@dataclass
class Demo:
    """What the run produced."""

    report: FairnessReport
    seeded: int
    reviewed: int
    seconds: float


def _say(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


def _split(data: Path, rows: int, work: Path, seed: int) -> tuple[Path, pd.DataFrame]:
    frame = pd.read_csv(data, dtype=str, keep_default_na=False)
    held = frame.sample(n=min(rows, len(frame) // 2), random_state=seed)
    train = work / "train.csv"
    frame.drop(index=held.index).to_csv(train, index=False)
    return train, held.reset_index(drop=True)


def _train(train: Path, models: Path) -> None:
    labelled = read_csv_data(train, ColumnMap(("subject", "body"), "queue", "priority"))
    specs = {
        "intent": trainer.spec_for_columns([], False),
        "priority": trainer.spec_for_columns([], True),
    }
    fitted = trainer.fit_all(labelled, specs, {}, _say)
    trainer.write_all(fitted, models, _say)


def _seed(app: Any, held: pd.DataFrame, seed: int) -> tuple[int, int]:
    """Decide and store every held-back ticket; simulate reviews on a random third."""
    service = app.extensions["explainer"]
    cols = SeedColumns(("subject", "body"), "language")
    times = timestamps(len(held), 8, datetime.now(UTC))
    result, rng, stored, reviewed = SeedResult(), random.Random(seed), 0, 0
    for i, row in enumerate(held.to_dict("records")):
        decision = service.decider.decide(ticket_of(row, cols, result), now=times[i])
        saved, _ = service.store.save_decision(decision)
        stored += 1
        if rng.random() < REVIEWED_SHARE:
            truth = {"intent": row["queue"], "priority": row["priority"]}
            with service.store.recording() as rec:
                resolve(rec, str(saved.id), "simulated-review", truth, None, "simulated")
            reviewed += 1
        if stored % 250 == 0:
            _say(f"seeded {stored}/{len(held)}")
    return stored, reviewed


def language_figures(report: FairnessReport) -> dict[str, dict[str, float | None]]:
    """Group -> the headline figures of the language attribute."""
    lang = next(a for a in report.attributes if a.attribute == "language")
    wanted = {
        "priority=high": "high-priority rate",
        "priority_confidence": "mean priority confidence",
        "intent_confidence": "mean intent confidence",
        "priority_accuracy": "priority accuracy (reviewed)",
        "intent_accuracy": "intent accuracy (reviewed)",
    }
    rows = {r.metric: r for r in lang.rows if r.metric in wanted}
    return {
        g: {"n": float(lang.sizes[g]), **{wanted[m]: rows[m].cells[g].value for m in rows}}
        for g in lang.groups
    }


def _screenshot(app: Any, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    Accounts(app.extensions["explainer"].store).create_user(
        "demo-auditor", PASSWORD, "auditor", actor="bench"
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/audit/login")
            page.fill("input[name=username]", "demo-auditor")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{url}/audit/fairness")
            page.wait_for_selector("h1")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
            page.goto(f"{url}/audit/models")
            page.wait_for_selector("h1")
            page.screenshot(path=str(out.with_name("models.png")), full_page=True)
            browser.close()
    finally:
        server.shutdown()
    _say(f"screenshots {out} and {out.with_name('models.png')}")


def run(
    rows: int = 1500, screenshot: Path | None = None, data: Path = DATA, seed: int = 20261123
) -> Demo:
    """Train, seed, report (and optionally screenshot) in a fresh temporary folder."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fairness-demo-") as tmp:
        work = Path(tmp)
        _say(f"evaluation data: {data} (not part of the project)")
        train, held = _split(data, rows, work, seed)
        _train(train, work / "models")
        app = build_app(
            {
                "DATABASE_URL": f"sqlite:///{work / 'demo.db'}",
                "MODELS_DIR": str(work / "models"),
                "INSTANCE_PATH": str(work / "instance"),
                "PUBLIC_URL": "http://127.0.0.1",
            }
        )
        service = app.extensions["explainer"]
        service.store.upgrade()
        seeded, reviewed = _seed(app, held, seed)
        with service.store.engine.connect() as conn:
            report = fairness_report(fairness_rows(conn))
        if screenshot is not None:
            _screenshot(app, screenshot)
        service.close()
    return Demo(report, seeded, reviewed, time.perf_counter() - start)


def _print(demo: Demo) -> None:
    _say(
        f"{demo.seeded} decisions stored, {demo.reviewed} with a simulated review, "
        f"{demo.seconds:.0f} s"
    )
    for group, figures in language_figures(demo.report).items():
        parts = [f"{k} {v:.3f}" if v is not None else f"{k} too few" for k, v in figures.items()]
        print(f"  {group}: " + ", ".join(parts))


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", action="store_true", help="End with the figures as JSON.")
    args = parser.parse_args()
    if not args.data.exists():
        print(
            f"skipped: {args.data} is absent (the shared evaluation data sits beside the checkout)"
        )
        return
    demo = run(args.rows, args.screenshot, args.data)
    _print(demo)
    if args.json:
        figures = {"seeded": demo.seeded, "reviewed": demo.reviewed}
        print(json.dumps({**figures, "language": language_figures(demo.report)}))


if __name__ == "__main__":
    main()
