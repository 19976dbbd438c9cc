"""`explainer seed`: rows go through the decision path with their audit attributes."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from explainer.cli.main import main
from explainer.oversight.query import SearchQuery
from explainer.service.seeding import timestamps
from explainer.settings import Settings
from explainer.store import Store

ROWS = [
    {
        "subject": "Charged twice",
        "body": "My card was billed twice",
        "language": "en",
        "plan": "pro",
        "region": "EU",
        "created": "",
    },
    {
        "subject": "Login",
        "body": "Ich kann mich nicht anmelden",
        "language": "de",
        "plan": "platinum",
        "region": "EU",
        "created": "2026-10-01T09:00:00Z",
    },
    {"subject": "", "body": "", "language": "en", "plan": "free", "region": "US", "created": ""},
    {
        "subject": "App crashes",
        "body": "It crashes on start",
        "language": "en",
        "plan": "business",
        "region": "US",
        "created": "not a date",
    },
    {
        "subject": "Refund",
        "body": "I want my money back",
        "language": "fr",
        "plan": "",
        "region": "",
        "created": "",
    },
]


def _csv(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ROWS[0]))
        writer.writeheader()
        writer.writerows(ROWS)
    return path


def test_timestamps_spread_evenly_over_the_weeks() -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    times = timestamps(5, 4, now)
    assert times[0] == now - timedelta(weeks=4) and times[-1] == now
    assert times[2] == now - timedelta(weeks=2)
    assert timestamps(1, 4, now) == [now] and timestamps(0, 4, now) == []


def test_seed_stores_valid_rows_and_reports_the_rest(
    tmp_path: Path, models_dir: Path, clean_env: None
) -> None:
    db = f"sqlite:///{tmp_path / 'seed.db'}"
    env = {
        "EXPLAINER_DATABASE_URL": db,
        "EXPLAINER_MODELS_DIR": str(models_dir),
        "EXPLAINER_INSTANCE_PATH": str(tmp_path / "inst"),
    }
    args = [
        "seed",
        "--data",
        str(_csv(tmp_path / "t.csv")),
        "--text-col",
        "subject",
        "--text-col",
        "body",
        "--plan-col",
        "plan",
        "--region-col",
        "region",
        "--created-col",
        "created",
        "--spread-weeks",
        "6",
    ]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert "stored 3 decisions; skipped 2 invalid row(s)" in result.output
    assert "1 row(s) with an unknown plan got the default" in result.output
    store = Store.from_settings(
        Settings.load({"DATABASE_URL": db, "INSTANCE_PATH": str(tmp_path / "inst")})
    )
    rows, total = store.search(SearchQuery(per_page=10))
    store.dispose()
    assert total == 3
    by_lang = {r["language"]: r for r in rows}
    assert by_lang["de"]["plan"] == "free"  # "platinum" is not a plan
    assert by_lang["de"]["created_at"].startswith("2026-10-01T09:00:00")
    assert by_lang["en"]["plan"] == "pro" and by_lang["en"]["region"] == "EU"
    assert by_lang["fr"]["region"] is None
    assert all(r["intent"] and r["priority"] for r in rows)
    first = datetime.fromisoformat(by_lang["en"]["created_at"].replace("Z", "+00:00"))
    assert datetime.now(UTC) - first > timedelta(weeks=5)  # the first row is six weeks back
