"""`explainer train` refuses bad input cleanly and writes versions that never overwrite."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from explainer.cli.main import main
from explainer.model.registry import current_version, load_card, load_model
from explainer.training import corpus
from explainer.training import train as trainer
from explainer.training.datasets import demo_data
from explainer.training.fit import baseline_fields, metrics
from explainer.training.pipeline import ModelSpec


def _train(out: Path, data: Path, *extra: str) -> Result:
    args = ["train", "--data", str(data), "--text-col", "text", "--intent-col", "label"]
    return CliRunner().invoke(main, [*args, *extra, "--out", str(out)])


def _small_csv(path: Path, n: int = 240) -> Path:
    """A tiny labelled export from the demo corpus (three intents, two priorities)."""
    rows = [t.row for t in corpus.generate(2_000, seed=3)]
    keep = [r for r in rows if r["intent"] in ("refund", "outage", "how_to")][:n]
    frame = pd.DataFrame(
        {
            "text": [f"{r['subject']} {r['body']}" for r in keep],
            "label": [r["intent"] for r in keep],
            "prio": ["high" if r["priority"] in ("high", "urgent") else "low" for r in keep],
            "open": [r["open_tickets"] for r in keep],
        }
    )
    frame.to_csv(path, index=False)
    return path


BAD_INPUTS = {
    "missing column": ("text,category\nhello there,refund\n", "missing column(s) label"),
    "empty file": ("", "the file is empty"),
    "header only": ("text,label\n", "header but no rows"),
    "single class": ("text,label\n" + "my refund please,refund\n" * 30, "at least two different"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_train_refuses_bad_input(tmp_path: Path, case: str) -> None:
    content, message = BAD_INPUTS[case]
    data = tmp_path / "export.csv"
    data.write_text(content, "utf-8")
    result = _train(tmp_path / "out", data)
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_train_refuses_non_utf8(tmp_path: Path) -> None:
    data = tmp_path / "latin1.csv"
    data.write_bytes("text,label\ncafé crème,refund\nna,outage\n".encode("latin-1"))
    result = _train(tmp_path / "out", data)
    assert result.exit_code != 0
    assert "not UTF-8" in result.output
    assert not (tmp_path / "out").exists()


def test_train_refuses_negative_account_numbers(tmp_path: Path) -> None:
    data = _small_csv(tmp_path / "export.csv")
    frame = pd.read_csv(data)
    frame.loc[5, "open"] = -2
    frame.to_csv(data, index=False)
    result = _train(tmp_path / "out", data, "--priority-col", "prio", "--open-tickets-col", "open")
    assert result.exit_code != 0
    assert "column 'open' must hold non-negative numbers; found '-2'" in result.output
    assert not (tmp_path / "out").exists()


def test_train_refuses_a_missing_file(tmp_path: Path) -> None:
    result = _train(tmp_path / "out", tmp_path / "nope.csv")
    assert result.exit_code != 0
    assert "no such file" in result.output
    assert not (tmp_path / "out").exists()


def test_train_needs_label_columns_with_data(tmp_path: Path) -> None:
    data = _small_csv(tmp_path / "export.csv")
    result = CliRunner().invoke(main, ["train", "--data", str(data), "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "--data needs --text-col and --intent-col" in result.output
    assert not (tmp_path / "o").exists()


def test_training_twice_gives_two_versions_and_keeps_the_old(tmp_path: Path) -> None:
    data, out = _small_csv(tmp_path / "export.csv"), tmp_path / "models"
    first = _train(out, data, "--priority-col", "prio", "--open-tickets-col", "open")
    assert first.exit_code == 0, first.output
    v1 = current_version(out, "intent")
    card1 = (out / "intent" / str(v1) / "model.json").read_text("utf-8")
    second = _train(out, data)
    assert second.exit_code == 0, second.output
    v2 = current_version(out, "intent")
    assert v1 and v2 and v1 != v2
    versions = sorted(p.name for p in (out / "intent").iterdir() if p.is_dir())
    assert versions == sorted([v1, v2])
    assert (out / "intent" / v1 / "model.json").read_text("utf-8") == card1  # untouched
    assert load_model(out, "intent", v1).version == v1  # the old one still loads
    assert load_model(out, "intent").version == v2
    assert current_version(out, "priority") is not None  # only the first run had priorities


def test_export_card_keeps_labels_humanised(tmp_path: Path) -> None:
    data, out = _small_csv(tmp_path / "export.csv"), tmp_path / "models"
    assert _train(out, data).exit_code == 0
    card = load_card(out, "intent")
    assert {c["label"]: c["display"] for c in card["classes"]}["how_to"] == "How to"
    assert card["training_data"]["rows"] + card["training_data"]["held_out_rows"] == 240
    assert card["baseline"]["description"] == "an empty message from a typical customer"
    assert card["sha256"] and card["libraries"]["scikit-learn"]


def test_baseline_fields_are_median_and_mode() -> None:
    frame = pd.DataFrame(
        {
            "plan": ["pro", "pro", "free"],
            "account_age_days": [1, 10, 1000],
            "open_tickets": [0, 1, 9],
        }
    )
    spec = ModelSpec(("plan",), ("account_age_days", "open_tickets"))
    assert baseline_fields(frame, spec) == {
        "plan": "pro",
        "account_age_days": 10,
        "open_tickets": 1,
    }


def test_metrics_shape() -> None:
    m = metrics(pd.Series(["a", "b", "b"]), pd.Series(["a", "b", "a"]).to_numpy(), ["a", "b"])
    assert m["accuracy"] == pytest.approx(2 / 3)
    assert m["confusion_matrix"] == {"labels": ["a", "b"], "matrix": [[1, 0], [1, 1]]}
    assert m["n"] == 3 and set(m["per_class"]) == {"a", "b"}


def test_demo_models_from_the_session_fixture(models_dir: Path) -> None:
    for name in ("intent", "priority"):
        card = json.loads(
            (models_dir / name / str(current_version(models_dir, name)) / "model.json").read_text()
        )
        assert card["metrics"]["held_out"]["macro_f1"] > 0.6
        assert card["global_importance"], "the card records global importance"
    assert load_card(models_dir, "priority")["baseline"]["fields"].keys() == {
        "channel",
        "plan",
        "account_age_days",
        "open_tickets",
    }


# Held-out macro-F1 bounds: learnable, not trivial. Priority's lower bound went from
# 0.80 to 0.75 when two fifths of the corpus became German text (0.812 -> 0.781 on the
# default seed; docs/demo-corpus.md); German must stay within 3 points of English.
FLOORS = {"intent": 0.8, "priority": 0.75}


@pytest.mark.slow
def test_full_demo_training_acceptance(tmp_path: Path) -> None:
    """`explainer train` on the default demo corpus: held-out macro-F1 within the bounds,
    German tickets classified within 3 points of English ones."""
    result = CliRunner().invoke(main, ["train", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("intent", "priority"):
        held = load_card(tmp_path, name)["metrics"]["held_out"]
        print(f"{name}: held-out macro-F1 {held['macro_f1']:.3f} on {held['n']:,} tickets")
        assert FLOORS[name] <= held["macro_f1"] <= 0.99
        assert held["n"] >= 4_000
        by = held["by_language"]
        assert by["de"]["n"] >= 0.25 * held["n"]
        assert by["de"]["accuracy"] >= by["en"]["accuracy"] - 0.03, by


def test_demo_specs_match_the_models() -> None:
    assert trainer.DEMO_SPECS["priority"].account_fields == (
        "channel",
        "plan",
        "account_age_days",
        "open_tickets",
    )
    assert trainer.DEMO_SPECS["intent"].account_fields == ()
    assert demo_data(50).frame.columns.tolist() == [
        "text",
        "channel",
        "plan",
        "account_age_days",
        "open_tickets",
    ]
