"""Fairness report figures against a small hand-computed fixture; the minimum-size rule."""

from __future__ import annotations

from typing import Any

import pytest

from explainer.oversight.fairness import fairness_report
from explainer.oversight.report import (
    FOUR_FIFTHS,
    NOT_GIVEN,
    AttributeReport,
    explanation_quality,
)


def _row(language: str | None, priority: str, conf: float, **extra: Any) -> dict[str, Any]:
    return {
        "language": language,
        "region": "EU",
        "plan": "free",
        "intent": "billing",
        "priority": priority,
        "intent_confidence": conf,
        "priority_confidence": conf,
        "contested": False,
        "reviewed_intent": None,
        "reviewed_priority": None,
        "reasons": 2,
        "coverage": 0.5,
        "counterfactual": False,
        **extra,
    }


# en: high rate 2/4, confidence mean 0.75, 1 of 4 contested, 2 reviewed (1 right).
# de: high rate 0/2, confidence mean 0.45, nothing contested or reviewed.
FIXTURE = [
    _row("en", "high", 0.9, contested=True, reviewed_priority="high", counterfactual=True),
    _row("en", "high", 0.8, reviewed_priority="low", reviewed_intent="billing"),
    _row("en", "low", 0.7, reasons=4, coverage=1.0),
    _row("en", "low", 0.6),
    _row("de", "low", 0.5, reasons=1, coverage=0.25, counterfactual=True),
    _row("de", "low", 0.4, reasons=1, coverage=0.25),
]


def _language(min_group: int) -> AttributeReport:
    report = fairness_report(FIXTURE, min_group=min_group)
    assert (report.total, report.reviewed, report.min_group) == (6, 2, min_group)
    return report.attributes[0]


def _cell(attr: AttributeReport, metric: str, group: str) -> Any:
    return next(r for r in attr.rows if r.metric == metric).cells[group]


def test_groups_sizes_and_reviewed_counts() -> None:
    lang = _language(2)
    assert lang.attribute == "language"
    assert lang.groups == ["en", "de"]
    assert lang.sizes == {"en": 4, "de": 2}
    assert lang.reviewed == {"en": 2, "de": 0}


def test_priority_rates_one_vs_rest_with_four_fifths_flags() -> None:
    lang = _language(2)
    high_en, high_de = _cell(lang, "priority=high", "en"), _cell(lang, "priority=high", "de")
    assert high_en.value == pytest.approx(0.5) and high_en.ratio == pytest.approx(1.0)
    assert high_de.value == pytest.approx(0.0) and high_de.ratio == pytest.approx(0.0)
    assert high_de.flagged and not high_en.flagged
    low_en, low_de = _cell(lang, "priority=low", "en"), _cell(lang, "priority=low", "de")
    assert (low_en.value, low_de.value) == (pytest.approx(0.5), pytest.approx(1.0))
    assert low_en.ratio == pytest.approx(0.5) and low_en.flagged
    intent = _cell(lang, "intent=billing", "de")
    assert intent.value == pytest.approx(1.0) and not intent.flagged


def test_confidence_contests_and_reviewed_accuracy() -> None:
    lang = _language(2)
    conf_en = _cell(lang, "priority_confidence", "en")
    conf_de = _cell(lang, "priority_confidence", "de")
    assert conf_en.value == pytest.approx(0.75) and conf_de.value == pytest.approx(0.45)
    assert conf_de.ratio == pytest.approx(0.6) and conf_de.flagged
    # Contest: favourable is "not contested": en 0.75 against de 1.0.
    contest_en = _cell(lang, "contest_rate", "en")
    assert contest_en.value == pytest.approx(0.25)
    assert contest_en.ratio == pytest.approx(0.75) and contest_en.flagged
    assert _cell(lang, "contest_rate", "de").ratio == pytest.approx(1.0)
    acc_en, acc_de = _cell(lang, "priority_accuracy", "en"), _cell(lang, "priority_accuracy", "de")
    assert acc_en.value == pytest.approx(0.5) and acc_en.n == 2
    assert acc_de.too_few and acc_de.value is None and acc_de.n == 0
    intent_acc = _cell(lang, "intent_accuracy", "en")
    assert intent_acc.n == 1 and intent_acc.too_few  # one reviewed intent < 2


def test_explanation_quality_per_group() -> None:
    lang = _language(2)
    assert _cell(lang, "reasons", "en").value == pytest.approx(2.5)
    assert _cell(lang, "reasons", "de").ratio == pytest.approx(0.4)
    assert _cell(lang, "coverage", "en").value == pytest.approx(0.625)
    assert _cell(lang, "coverage", "de").value == pytest.approx(0.25)
    assert _cell(lang, "counterfactual", "en").value == pytest.approx(0.25)
    assert _cell(lang, "counterfactual", "de").value == pytest.approx(0.5)
    assert _cell(lang, "counterfactual", "en").ratio == pytest.approx(0.5)


def test_groups_under_the_minimum_size_say_too_few_and_are_not_compared() -> None:
    lang = _language(3)
    de = _cell(lang, "priority=high", "de")
    assert de.too_few and de.value is None and de.ratio is None and not de.flagged
    en = _cell(lang, "priority=high", "en")
    assert not en.too_few and en.ratio == pytest.approx(1.0) and not en.flagged
    assert all(not r.cells["en"].flagged for r in lang.rows)


def test_default_minimum_is_thirty() -> None:
    rows = [_row("en", "high", 0.9)] * 30 + [_row("de", "low", 0.5)] * 29
    lang = fairness_report(rows).attributes[0]
    assert _cell(lang, "priority=high", "en").value == pytest.approx(1.0)
    assert _cell(lang, "priority=high", "de").too_few
    rows.append(_row("de", "low", 0.5))
    lang = fairness_report(rows).attributes[0]
    de = _cell(lang, "priority=high", "de")
    assert not de.too_few and de.flagged and de.ratio == 0.0 < FOUR_FIFTHS


def test_missing_attribute_is_its_own_group_and_csv_records() -> None:
    rows = [_row(None, "high", 0.9), _row("en", "high", 0.9)]
    report = fairness_report(rows, attributes=("language",), min_group=1)
    assert report.attributes[0].groups == [NOT_GIVEN, "en"]
    records = report.records()
    assert {r["group"] for r in records} == {NOT_GIVEN, "en"}
    assert set(records[0]) == {
        "attribute",
        "group",
        "metric",
        "label",
        "n",
        "value",
        "ratio_to_best",
        "below_four_fifths",
        "too_few",
    }


def test_explanation_quality_of_a_document() -> None:
    doc = {
        "priority": {"explanation": {"output_value": 3.0}},
        "intent": {"explanation": {"output_value": 4.0}},
        "customer": {
            "reasons": ["a", "b", "c"],
            "reason_details": [
                {"model": "priority", "value": 1.0},
                {"model": "priority", "value": 0.5},
                {"model": "intent", "value": 2.0},
            ],
            "counterfactual": {"label": "normal"},
        },
    }
    q = explanation_quality(doc)
    assert q == {"reasons": 3, "coverage": pytest.approx(0.5), "counterfactual": True}
    empty = explanation_quality({"customer": {"reasons": [], "counterfactual": None}})
    assert empty == {"reasons": 0, "coverage": None, "counterfactual": False}


def test_a_single_decision_still_reports() -> None:
    report = fairness_report([_row("en", "high", 0.9)], min_group=1)
    assert _cell(report.attributes[0], "priority=high", "en").value == pytest.approx(1.0)
    assert fairness_report([]).attributes[0].groups == []


def test_coverage_is_capped_at_the_whole_output() -> None:
    doc = {
        "priority": {"explanation": {"output_value": 0.5}},
        "customer": {"reasons": ["a"], "reason_details": [{"model": "priority", "value": 2.0}]},
    }
    assert explanation_quality(doc)["coverage"] == 1.0
    row = next(
        r
        for r in fairness_report(FIXTURE, min_group=2).attributes[0].rows
        if r.metric == "coverage"
    )
    assert row.kind == "share"


def test_hand_off_rates_per_group_are_reported_and_flagged() -> None:
    rows = [_row("en", "low", 0.9, handoff=i == 0, abstained=i == 0) for i in range(10)]
    rows += [
        _row("de", "low", 0.9, handoff=i < 5, abstained=i < 4, sensitive=i == 4) for i in range(10)
    ]
    lang = fairness_report(rows, min_group=5).attributes[0]
    assert [r.metric for r in lang.sections["Hand-offs to a person"]] == [
        "handoff",
        "abstained",
        "sensitive",
        "opted_out",
    ]
    handoff = {r.metric: r for r in lang.rows}["handoff"]
    assert handoff.cells["en"].value == pytest.approx(0.1)
    assert handoff.cells["de"].value == pytest.approx(0.5)
    # One language handed to a person five times as often: flagged (favourable = not handed off).
    assert handoff.cells["de"].flagged and not handoff.cells["en"].flagged
