"""Oversight reports: fairness page and CSV, models and drift, search exports, access."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from auditor_helpers import console_app, signed_in
from flask import Flask

from explainer.schemas import TicketIn
from explainer.service.seeding import timestamps
from explainer.store.resolutions import resolve

TEXTS = [
    ("Charged twice", "My card was billed twice this month"),
    ("Cannot log in", "The app says my password is wrong"),
    ("App crashes", "It crashes every time I open settings"),
    ("Cancel please", "I want to cancel my subscription"),
]


@pytest.fixture
def app(db_url: str, models_dir: Path, tmp_path: Path, clean_env: None) -> Iterator[Flask]:
    """The console over 40 decisions (en 24 over four weeks, de 12, fr 4), one reviewed."""
    application = console_app(db_url, models_dir, tmp_path)
    service = application.extensions["explainer"]
    now = datetime.now(UTC)
    langs = ["en"] * 24 + ["de"] * 12 + ["fr"] * 4
    times = timestamps(len(langs), 4, now)  # as `explainer seed --spread-weeks 4` spreads them
    ids = []
    for i, lang in enumerate(langs):
        subject, body = TEXTS[i % len(TEXTS)]
        ticket = TicketIn.model_validate(
            {
                "subject": subject,
                "body": body,
                "language": lang,
                "customer": {"region": "=HYPERLINK(1)" if i == 0 else "EU", "plan": "pro"},
            }
        )
        stored, _ = service.store.save_decision(service.decider.decide(ticket, now=times[i]))
        ids.append(str(stored.id))
    service.store.add_review_request(ids[0], "please check")
    with service.store.recording() as rec:
        resolve(rec, ids[1], "rev", {"intent": None, "priority": "urgent"}, None, "changed")
    yield application
    service.close()


def test_signed_out_requests_go_to_the_login(app: Flask) -> None:
    for path in ("/audit/fairness", "/audit/fairness.csv", "/audit/models", "/audit/decisions.csv"):
        response = app.test_client().get(path)
        assert response.status_code == 302 and "/audit/login" in response.headers["Location"]


def test_fairness_page_shows_groups_ratios_and_too_few(app: Flask) -> None:
    client = signed_in(app, "auditor")
    response = client.get("/audit/fairness?min_group=10")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "By language" in page and "By region" in page and "By plan" in page
    assert "40 decisions</strong>, 1 of them reviewed" in page
    assert "en: 24 decisions" in page and "de: 12 decisions" in page
    assert "too few" in page  # fr has 4 < 10, and nobody has 10 reviewed decisions
    assert "Contest rate" in page and "Counterfactual available" in page
    assert "selected sample" in page
    assert re.search(r"×\d\.\d\d", page)


def test_fairness_csv_and_a_bad_minimum(app: Flask) -> None:
    client = signed_in(app, "auditor")
    response = client.get("/audit/fairness.csv?min_group=10")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    fr = [r for r in rows if r["attribute"] == "language" and r["group"] == "fr"]
    assert fr and all(r["too_few"] == "True" for r in fr)
    en = next(r for r in rows if r["group"] == "en" and r["metric"] == "priority_confidence")
    assert en["n"] == "24" and float(en["value"]) > 0
    page = client.get("/audit/fairness?min_group=abc").get_data(as_text=True)
    assert "minimum group size must be a whole number" in page


def test_models_page_shows_importance_and_weeks_of_drift(app: Flask) -> None:
    client = signed_in(app, "auditor")
    page = client.get("/audit/models").get_data(as_text=True)
    assert "Global importance" in page and "Attribution drift" in page
    weeks = set(re.findall(r"<th scope=\"col\" class=\"num\">(\d{4}-W\d\d)<br>", page))
    assert len(weeks) >= 3
    assert "<svg" in page and "<polyline" in page
    assert "(current)" in page and "sha256" in page


def test_decision_exports_follow_the_search_filters(app: Flask) -> None:
    client = signed_in(app, "auditor")
    response = client.get("/audit/decisions.csv?language=de")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 12 and {r["language"] for r in rows} == {"de"}
    everything = client.get("/audit/decisions.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in everything  # no formula reaches a spreadsheet
    data = json.loads(client.get("/audit/decisions.json?review=resolved").get_data(as_text=True))
    assert len(data["decisions"]) == 1 and data["decisions"][0]["review"] == "resolved"
    assert len(json.loads(client.get("/audit/decisions.json").data)["decisions"]) == 40


def test_exports_page_past_the_search_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("explainer.store.reports.EXPORT_PAGE", 7)
    client = signed_in(app, "auditor")
    rows = list(
        csv.DictReader(io.StringIO(client.get("/audit/decisions.csv").get_data(as_text=True)))
    )
    assert len(rows) == 40 and len({r["id"] for r in rows}) == 40


def test_console_links_to_the_reports_and_exports(app: Flask) -> None:
    client = signed_in(app, "auditor")
    page = client.get("/audit/?language=de").get_data(as_text=True)
    assert 'href="/audit/fairness"' in page and 'href="/audit/models"' in page
    assert 'href="/audit/decisions.csv?language=de"' in page
    assert 'href="/audit/decisions.json?language=de"' in page
