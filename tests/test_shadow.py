"""Shadow scoring and promotion gates without a cluster: statistics merge exactly across
partitions, the report reads them right, and each gate refuses what it should."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from explainer.explain.decide import Decider
from explainer.shadow.gates import Gates
from explainer.shadow.items import EVALUATION_SHARE, ShadowItem, held_out
from explainer.shadow.runner import run_serial
from explainer.shadow.scoring import Stats, score_partition
from explainer.shadow.summary import report, wilson
from explainer.store.ids import new_id
from explainer.training import corpus


def _items(n: int) -> list[ShadowItem]:
    out = []
    for t in corpus.generate(n, 5):
        r = t.row
        doc = {
            "id": new_id("dec"),
            "ticket": {
                "subject": r["subject"],
                "body": r["body"],
                "channel": r["channel"],
                "language": r["language"],
                "customer": {
                    "plan": r["plan"],
                    "account_age_days": r["account_age_days"],
                    "open_tickets": None,  # not given: read at the baseline
                    "region": r["region"],
                },
            },
        }
        out.append(ShadowItem.of(doc, (r["intent"], r["priority"])))
    return out


def test_item_keeps_only_given_fields() -> None:
    item = _items(1)[0]
    assert "open_tickets" not in item.fields
    assert set(item.fields) == {"channel", "plan", "account_age_days"}


def test_held_out_share_is_stable_and_near_its_target() -> None:
    ids = [f"dec_{i:06d}" for i in range(20_000)]
    share = sum(map(held_out, ids)) / len(ids)
    assert abs(share - EVALUATION_SHARE) < 0.015
    assert [held_out(i) for i in ids[:50]] == [held_out(i) for i in ids[:50]]


def test_wilson_interval() -> None:
    assert wilson(0, 10)[0] == pytest.approx(0.0) and wilson(10, 10)[1] == pytest.approx(1.0)
    lo, hi = wilson(50, 100)
    assert lo == pytest.approx(0.4038, abs=1e-4) and hi == pytest.approx(0.5962, abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)


def test_partitions_merge_to_the_whole(decider: Decider) -> None:
    items = _items(120)
    models = decider.models
    whole = score_partition(items, models, models, erased=3)
    parts = [(items[i : i + 25], 3 if i == 0 else 0) for i in range(0, 120, 25)]
    merged = run_serial(parts, models, models, lambda _n: None)
    assert set(whole) == set(merged)
    for key, value in whole.items():
        assert merged[key] == pytest.approx(value, rel=1e-12, abs=1e-12)


def test_identical_models_agree_everywhere(decider: Decider) -> None:
    items = _items(150)
    stats = score_partition(items, decider.models, decider.models)
    made = report(stats, sorted(decider.models))
    assert made["decisions"] == {"scored": 150, "erased_skipped": 0}
    reviewed = sum(held_out(i.id) for i in items)
    for m in made["models"].values():
        assert m["agreement"]["overall"] == 1.0
        assert m["explanations"]["top_reason_changed"] == 0.0
        assert m["explanations"]["importance_shift"] == 0.0
        assert m["accuracy"]["reviewed"] == reviewed
        assert m["accuracy"]["current"] == m["accuracy"]["candidate"]
        assert m["calibration"]["current"] == m["calibration"]["candidate"]
    assert made["fairness"]["new_flags"] == []
    assert Gates(min_reviewed=0).failures(made) == []


def test_missing_keys_read_zero_without_being_added() -> None:
    stats = Stats()
    assert stats[("n",)] == 0.0 and not stats
    stats.merge({("n",): 2.0}).merge({("n",): 3.0})
    assert stats == {("n",): 5.0}


def _report(**changes: Any) -> dict[str, Any]:
    model = {
        "accuracy": {
            "reviewed": 100,
            "current": {"accuracy": 0.9},
            "candidate": {"accuracy": 0.9},
        },
        "calibration": {"current": {"ece": 0.05}, "candidate": {"ece": 0.05}},
    }
    made: dict[str, Any] = {"models": {"priority": model}, "fairness": {"new_flags": []}}
    made = copy.deepcopy(made)
    for path, value in changes.items():
        *head, last = path.split("__")
        target = made
        for step in head:
            target = target[step]
        target[last] = value
    return made


def test_gates() -> None:
    gates = Gates(max_accuracy_loss=0.02, max_ece_increase=0.05, min_reviewed=20)
    assert gates.failures(_report()) == []
    lost = _report(models__priority__accuracy__candidate={"accuracy": 0.85})
    assert gates.failures(lost)[0].startswith("accuracy gate: priority accuracy on 100")
    few = _report(models__priority__accuracy__reviewed=5)
    assert "fewer than the 20 needed" in gates.failures(few)[0]
    hot = _report(models__priority__calibration__candidate={"ece": 0.2})
    assert gates.failures(hot)[0].startswith("calibration gate: priority ECE")
    flag = {"attribute": "plan", "metric": "priority=high", "group": "free", "ratio": 0.5}
    real = _report(fairness__new_flags=[{**flag, "worse_by": 0.3, "noise": 0.1}])
    assert gates.failures(real) == [
        "fairness gate: new four-fifths flag on priority=high for plan = free "
        "(ratio 0.50, moved 0.300 the wrong way)"
    ]
    noisy = _report(fairness__new_flags=[{**flag, "worse_by": 0.06, "noise": 0.16}])
    assert gates.failures(noisy) == []  # two decisions of a small group: not evidence
    better = _report(fairness__new_flags=[{**flag, "worse_by": -0.02, "noise": 0.01}])
    assert gates.failures(better) == []  # flagged because another group rose
